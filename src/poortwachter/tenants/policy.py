"""An organisation's security policy. Flow code reads every security value from here,
never from settings. The field defaults are the product's defaults for a new
organisation (PRODUCT.md "Policies and their defaults"); `SEED_VALUES` are the values the
help pages of the seeds state, used by the demo organisation."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def _bounded(low: int, high: int):
    return [MinValueValidator(low), MaxValueValidator(high)]


class TwoFactor(models.TextChoices):
    OPTIONAL = "optional", _("optional")
    EVERYONE = "everyone", _("required for everyone")
    ROLES = "roles", _("required for chosen roles")


class Policy(models.Model):
    organisation = models.OneToOneField(
        "tenants.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="policy"
    )
    # Links sent by e-mail.
    activation_link_days = models.PositiveIntegerField(default=14, validators=_bounded(1, 90))
    reset_link_minutes = models.PositiveIntegerField(default=60, validators=_bounded(5, 1440))
    magic_link_minutes = models.PositiveIntegerField(default=10, validators=_bounded(1, 60))
    # Second step.
    email_code_minutes = models.PositiveIntegerField(default=60, validators=_bounded(1, 1440))
    email_code_tries = models.PositiveIntegerField(default=5, validators=_bounded(1, 20))
    two_factor = models.CharField(max_length=10, choices=TwoFactor.choices, default=TwoFactor.OPTIONAL)
    # Which second steps a person may use. E-mail codes prove only the mailbox, so an
    # organisation can refuse them and demand an authenticator app or a passkey.
    allow_email_code = models.BooleanField(default=True)
    allow_totp = models.BooleanField(default=True)
    allow_passkey = models.BooleanField(default=True)
    # A passkey alone (user verification on the device) signs in without a password.
    allow_passkey_signin = models.BooleanField(default=True)
    # Attack resistance: CAPTCHA from the (n+1)th consecutive failure; lock-out.
    captcha_after_failures = models.PositiveIntegerField(default=3, validators=_bounded(0, 100))
    # From one address, over every account (password spraying), within an hour.
    captcha_after_source_failures = models.PositiveIntegerField(default=10, validators=_bounded(0, 1000))
    lockout_after_failures = models.PositiveIntegerField(default=10, validators=_bounded(3, 100))
    lockout_first_seconds = models.PositiveIntegerField(default=60, validators=_bounded(1, 3600))
    lockout_max_seconds = models.PositiveIntegerField(default=3600, validators=_bounded(60, 86400))
    lockout_permanent_after = models.PositiveIntegerField(default=50, validators=_bounded(10, 100))
    # Passwords. No maximum age by default (NIST 800-63B); None means off.
    password_max_age_days = models.PositiveIntegerField(null=True, blank=True, validators=_bounded(1, 3650))
    password_min_length = models.PositiveIntegerField(default=15, validators=_bounded(8, 64))
    password_min_length_with_2fa = models.PositiveIntegerField(default=8, validators=_bounded(8, 64))
    # Sessions.
    idle_minutes = models.PositiveIntegerField(default=12 * 60, validators=_bounded(5, 30 * 24 * 60))
    absolute_days = models.PositiveIntegerField(default=30, validators=_bounded(1, 365))
    console_idle_minutes = models.PositiveIntegerField(default=60, validators=_bounded(5, 24 * 60))
    # Sign-in methods.
    allow_password = models.BooleanField(default=True)
    allow_magic_link = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "policies"

    def min_password_length(self, user=None) -> int:
        """8 characters suffice where a second factor is required (NIST 800-63B)."""
        if self.two_factor == TwoFactor.EVERYONE:
            return self.password_min_length_with_2fa
        return self.password_min_length


# The values the seeds' help pages state (q1000: 90 days password age, CAPTCHA after 3
# wrong attempts, activation link valid 2 weeks, e-mail code valid 1 hour; injixo: 12
# hours idle sign-out).
SEED_VALUES = {
    "password_max_age_days": 90,
    "captcha_after_failures": 3,
    "activation_link_days": 14,
    "email_code_minutes": 60,
    "idle_minutes": 12 * 60,
}
