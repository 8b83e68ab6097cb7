"""The session engine (settings.SESSION_ENGINE): Django's database sessions, JSON-encoded,
with the owner's ids copied into columns of their own when the session is saved."""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
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
