"""What a person set up to prove who they are after the password: authenticators (an
authenticator app, code by e-mail, passkeys), recovery codes, and e-mail codes in flight."""

from django.db import models
from django.db.models import Q

from poortwachter import clock


class Kind(models.TextChoices):
    TOTP = "totp"
    EMAIL = "email"
    PASSKEY = "passkey"


class Authenticator(models.Model):
    """One second step a user set up. A user has at most one authenticator app and one
    e-mail code, and any number of passkeys."""

    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="authenticators")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # TOTP: the key, sealed (security.sealed), and the last 30-second step accepted, so a
    # code works once.
    secret = models.TextField(blank=True)
    last_step = models.BigIntegerField(default=0)
    # Passkey (WebAuthn): credential id, COSE public key, signature counter.
    credential_id = models.BinaryField(null=True, blank=True)
    public_key = models.BinaryField(null=True, blank=True)
    sign_count = models.BigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("user", "kind", condition=~Q(kind="passkey"), name="one_app_and_one_email_code_per_user"),
            models.UniqueConstraint("credential_id", condition=Q(kind="passkey"), name="passkey_credential_unique"),
        ]


class RecoveryCode(models.Model):
    """One of a user's ten single-use recovery codes; only a keyed hash is stored."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "digest"])]


class EmailCode(models.Model):
    """A code like AB-123456 sent for one sign-in. The letters are shown on the page so the
    person picks the right e-mail; the digits are stored as a keyed hash."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    letters = models.CharField(max_length=2)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    tries_left = models.PositiveSmallIntegerField()
    used_at = models.DateTimeField(null=True, blank=True)
