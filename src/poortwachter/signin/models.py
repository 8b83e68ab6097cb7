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


def end_sessions_of(user, reason: str = "ended", *, keep: str | None = None) -> int:
    """End every session of `user` but `keep` (the one in use, when it stays); returns how
    many ended. Tells `session_ended` receivers about each, and `access_revoked` receivers
    once (a password change revokes the app tokens of every device)."""
    from poortwachter.accounts import signals

    keys = list(Session.objects.filter(user=user).exclude(session_key=keep or "").values_list("session_key", flat=True))
    deleted, _ = Session.objects.filter(session_key__in=keys).delete()
    for key in keys:
        signals.session_ended.send(sender=Session, user=user, session_key=key, reason=reason)
    signals.access_revoked.send(sender=Session, user=user, reason=reason)
    return deleted


def end_session(user, session_key: str, reason: str) -> bool:
    """End one of `user`'s sessions (settings "sign out there", the console)."""
    from poortwachter.accounts import signals

    deleted, _ = Session.objects.filter(user=user, session_key=session_key).delete()
    if deleted:
        signals.session_ended.send(sender=Session, user=user, session_key=session_key, reason=reason)
    return bool(deleted)
