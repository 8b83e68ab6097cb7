"""Tokens sent by e-mail (activation, password reset, magic link, e-mail change).

256 random bits; only their SHA-256 is stored; one purpose each; single use (the
redemption is one conditional UPDATE, so two clicks cannot both win); expiry from the
organisation's policy; issuing a new token kills the user's older ones of that purpose, and
a password change kills every outstanding one."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.db import models

from poortwachter import clock


class Purpose(models.TextChoices):
    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"
    MAGIC_LINK = "magic_link"
    EMAIL_CHANGE = "email_change"


class EmailToken(models.Model):
    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="email_tokens")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Small purpose-specific values: the new address of an e-mail change, the hash of the
    # browser binding of a magic link.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose"])]


class State(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass
class Checked:
    state: State
    token: EmailToken | None = None


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def issue(user, purpose: Purpose, lifetime: timedelta, data: dict | None = None) -> str:
    """A new token for `user`; their older tokens of this purpose stop working."""
    EmailToken.objects.filter(user=user, purpose=purpose, used_at__isnull=True).delete()
    raw = secrets.token_urlsafe(32)
    EmailToken.objects.create(organisation_id=user.organisation_id, user=user, purpose=purpose,
                              digest=digest(raw), expires_at=clock.now() + lifetime, data=data or {})
    return raw


def check(raw: str, purpose: Purpose, organisation) -> Checked:
    """What a link's token is, without using it up."""
    if not raw or len(raw) > 100:
        return Checked(State.UNKNOWN)
    token = (EmailToken.objects.select_related("user", "user__organisation")
             .filter(digest=digest(raw), purpose=purpose, organisation=organisation).first())
    if token is None:
        return Checked(State.UNKNOWN)
    if token.used_at is not None:
        return Checked(State.USED, token)
    if token.expires_at <= clock.now():
        return Checked(State.EXPIRED, token)
    return Checked(State.VALID, token)


def redeem(raw: str, purpose: Purpose, organisation) -> Checked:
    """Use the token once. Of two simultaneous redemptions exactly one gets VALID."""
    checked = check(raw, purpose, organisation)
    if checked.state != State.VALID:
        return checked
    won = EmailToken.objects.filter(pk=checked.token.pk, used_at__isnull=True,
                                    expires_at__gt=clock.now()).update(used_at=clock.now())
    return checked if won else Checked(State.USED, checked.token)


def revoke_all(user, purposes=None) -> None:
    """Kill the user's outstanding tokens (all purposes unless named)."""
    pending = EmailToken.objects.filter(user=user, used_at__isnull=True)
    if purposes:
        pending = pending.filter(purpose__in=list(purposes))
    pending.delete()
