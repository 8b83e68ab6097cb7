"""Server-side sessions that know whose they are, so a person's sessions can be listed and
ended (password reset, block, "sign out everywhere")."""

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class Session(AbstractBaseSession):
    organisation = models.ForeignKey("tenants.Organisation", null=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("accounts.User", null=True, on_delete=models.CASCADE, related_name="sessions")
    source = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=200, blank=True)
    signed_in_at = models.IntegerField(null=True)

    @classmethod
    def get_session_store_class(cls):
        from poortwachter.signin.sessions import SessionStore

        return SessionStore


def end_sessions_of(user) -> int:
    """End every session of `user`; returns how many there were."""
    deleted, _ = Session.objects.filter(user=user).delete()
    return deleted
