"""The session engine (settings.SESSION_ENGINE): Django's database sessions, JSON-encoded,
with the owner's ids copied into columns of their own when the session is saved.

A signed-in page needs the session and its owner: both come in one prepared SQL statement
(a join on the owner column), not two ORM queries; `owner` holds the user row read with it.
Most of a signed-in page's database time was Django compiling those two queries."""

from functools import cache

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone
from django.utils.crypto import get_random_string


class _Row:
    __slots__ = ("session_data",)

    def __init__(self, session_data):
        self.session_data = session_data


@cache
def _select(vendor: str) -> tuple[str, list[str]]:
    from poortwachter.accounts.models import User
    from poortwachter.signin.models import Session

    quote = connections[router.db_for_read(Session)].ops.quote_name
    fields = [f for f in User._meta.concrete_fields]
    columns = ", ".join(f"u.{quote(f.column)}" for f in fields)
    sql = (f"SELECT s.{quote('session_data')}, {columns} FROM {quote(Session._meta.db_table)} s "
           f"LEFT JOIN {quote(User._meta.db_table)} u ON u.{quote('id')} = s.{quote('user_id')} "
           f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s")
    return sql, [f.attname for f in fields]


def _converters(connection) -> list:
    """What turns the user columns into Python values (dates on SQLite...), worked out once
    per connection."""
    held = getattr(connection, "_poortwachter_user_converters", None)
    if held is None:
        from poortwachter.accounts.models import User

        held = []
        for i, field in enumerate(User._meta.concrete_fields):
            expression = field.get_col(User._meta.db_table)
            found = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
            if found:
                held.append((i, expression, found))
        connection._poortwachter_user_converters = held
    return held


class SessionStore(DatabaseSessionStore):
    owner = None  # the User the session row names, read with it (None: nobody, or not loaded)

    def _get_session_from_db(self):
        from poortwachter.accounts.models import User

        alias = router.db_for_read(self.model)
        connection = connections[alias]
        sql, names = _select(connection.vendor)
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key or "", timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        if row[1] is not None:
            values = list(row[1:])
            for i, expression, converters in _converters(connection):
                for converter in converters:
                    values[i] = converter(values[i], expression, connection)
            self.owner = User.from_db(alias, names, values)
        return _Row(row[0])
    def _get_new_session_key(self):
        # 32 random characters; the INSERT's primary key refuses the (never seen) collision
        # and Django then draws again, so the extra "does it exist?" query is not needed.
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self):
        """A new key for the same data (sign-in), written once when the response is sent:
        one INSERT instead of Django's INSERT now and UPDATE later. The old row goes now."""
        data, old_key = self._session, self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if old_key:
            self.delete(old_key)

    @classmethod
    def get_model_class(cls):
        from poortwachter.signin.models import Session

        return Session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.user_id = data.get("_auth_user_id")
        instance.organisation_id = data.get("org")
        instance.source = data.get("src")
        instance.user_agent = data.get("ua", "")[:200]
        instance.signed_in_at = data.get("signed_in_at")
        return instance
