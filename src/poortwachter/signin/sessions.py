"""The session engine (settings.SESSION_ENGINE): Django's database sessions, JSON-encoded,
with the owner's ids copied into columns of their own when the session is saved.

A signed-in page needs the session and its owner: both come in one plain SQL statement
(a join on the owner column), not two ORM queries; `owner` holds the user row read with it.
A new session (every sign-in) is one plain INSERT, written inside the sign-in's own
transaction (signin.flow.grant_session), and not again when the response goes out unless it
changed since; an ended one is one DELETE. Most of the database time of these requests was
Django compiling the queries (system.sql)."""

import json
import secrets
from functools import cache

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from poortwachter.system import sql


class _Row:
    __slots__ = ("session_data",)

    def __init__(self, session_data):
        self.session_data = session_data


@cache
def _select() -> str:
    from poortwachter.accounts.models import User
    from poortwachter.signin.models import Session

    return (f"SELECT s.session_data, {sql.column_list(User, 'u.')} FROM {sql.table(Session)} s "
            f"LEFT JOIN {sql.table(User)} u ON u.id = s.user_id "
            f"WHERE s.session_key = %s AND s.expire_date > %s")


_COLUMNS = ("session_key", "session_data", "expire_date", "organisation_id", "user_id", "source", "user_agent",
            "signed_in_at")


class SessionStore(DatabaseSessionStore):
    owner = None  # the User the session row names, read with it (None: nobody, or not loaded)

    def _get_session_from_db(self):
        from poortwachter.accounts.models import User

        row = sql.row(_select(), [self.session_key or "", sql.at(timezone.now())])
        if row is None:
            self._session_key = None
            return None
        self.owner = sql.from_row(User, row, 1)
        return _Row(row[0])

    # The data is plain JSON. Django signs (and compresses) it, which for a row only this
    # server reads guards against nothing a database writer could not do anyway, and cost
    # a signed-in page more than reading the row. Rows in Django's signed format (written
    # before) still read.
    def encode(self, session_dict) -> str:
        return json.dumps(session_dict, separators=(",", ":"))

    def decode(self, session_data):
        if not session_data.startswith("{"):
            return super().decode(session_data)
        try:
            data = json.loads(session_data)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _get_new_session_key(self):
        # 32 characters of VALID_KEY_CHARS (165 bits), like Django's, but from one read of the
        # system's randomness instead of one per character. 256 bits reduced to 36**32 values
        # leave a bias below 2**-90. The INSERT's primary key refuses the (never seen)
        # collision and Django then draws again: no "does it exist?" query.
        number, key = int.from_bytes(secrets.token_bytes(32)), []
        for _ in range(32):
            number, digit = divmod(number, len(VALID_KEY_CHARS))
            key.append(VALID_KEY_CHARS[digit])
        return "".join(key)

    _written = None  # the session_data this store wrote to its row in this request

    def save(self, must_create=False):
        if must_create and self.session_key is not None:
            return self._insert()
        if self.session_key is not None and self._written is not None \
                and self._written == self.encode(self._get_session(no_load=True)):
            return  # written in this request (the sign-in's transaction) and unchanged since
        return super().save(must_create)

    def _insert(self) -> None:
        """A new row, in one plain INSERT. A key that exists already (never seen: 165 bits)
        changes nothing and raises CreateError, so Django draws another; no savepoint is
        needed inside a transaction, as a refused INSERT would need on PostgreSQL."""
        data = self._get_session(no_load=True)
        encoded = self.encode(data)
        user_id = data.get("_auth_user_id")
        params = [self.session_key, encoded, sql.at(self.get_expiry_date()), data.get("org"),
                  int(user_id) if user_id is not None else None, sql.prepared(self.model, "source", data.get("src")),
                  data.get("ua", "")[:200], data.get("signed_in_at")]
        if sql.changed(sql.insert_into(self.model, _COLUMNS, "ON CONFLICT (session_key) DO NOTHING"), params) != 1:
            raise CreateError
        self._written = encoded

    def delete(self, session_key=None):
        # One DELETE instead of Django's SELECT and ORM delete (nothing hangs from a session).
        key = self.session_key if session_key is None else session_key
        if key is not None:
            sql.changed(f"DELETE FROM {sql.table(self.model)} WHERE session_key = %s", [key])

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

    def create_model_instance(self, data):  # the ORM's later saves (an UPDATE of a changed session)
        instance = super().create_model_instance(data)
        instance.user_id = data.get("_auth_user_id")
        instance.organisation_id = data.get("org")
        instance.source = data.get("src")
        instance.user_agent = data.get("ua", "")[:200]
        instance.signed_in_at = data.get("signed_in_at")
        return instance
