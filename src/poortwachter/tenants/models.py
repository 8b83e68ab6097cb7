"""Organisation: a customer of the operator, reachable at /<slug>/."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from poortwachter import clock
from poortwachter.tenants.policy import Policy  # noqa: F401  (model registration)

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# First path segments that belong to the installation, never to an organisation.
RESERVED_SLUGS = frozenset(
    {"static", "healthz", "readyz", "api", "scim", "admin", "console", "login", "logout",
     "oidc", "well-known", "favicon.ico", "robots.txt", "www", "operator"}
)


def validate_slug(value: str) -> None:
    if not SLUG_PATTERN.match(value or ""):
        raise ValidationError(
            _("A short name may contain only lower-case letters, digits and hyphens (at most 63)."),
            code="invalid",
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(_("This short name is reserved; choose another."), code="reserved")


class Status(models.TextChoices):
    TRIAL = "trial", _("trial")
    ACTIVE = "active", _("active")
    BLOCKED_PAYMENT = "blocked_payment", _("blocked (payment arrears)")
    CANCELLED = "cancelled", _("cancelled")
    SUSPENDED = "suspended", _("suspended")


class Organisation(models.Model):
    slug = models.CharField(max_length=63, unique=True, validators=[validate_slug])
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    trial_ends_on = models.DateField(null=True, blank=True)
    # Whom a person of this organisation contacts when sign-in is refused for the
    # organisation as a whole (payment, cancellation): shown in the message.
    contact = models.CharField(max_length=254, blank=True)
    # The operator's own words for a blocked state, shown instead of the standard text.
    status_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return self.slug

    @property
    def portal_path(self) -> str:
        return f"/{self.slug}/"
