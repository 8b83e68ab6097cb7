"""User (unique per organisation) and Role."""

from functools import lru_cache
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from poortwachter import clock
from poortwachter.accounts import identity


class Role(models.Model):
    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=100)
    # Where a person with this role lands after sign-in: a path inside the portal
    # ("dashboard") or an absolute URL of one of the organisation's apps. Empty: start page.
    landing_url = models.CharField(max_length=500, blank=True)
    console_access = models.BooleanField(default=False)
    # The organisation's 2FA policy "required for chosen roles" names roles with this flag.
    requires_second_step = models.BooleanField(default=False)
    # Lower comes first when a user has several roles with a landing URL.
    position = models.PositiveIntegerField(default=100)

    class Meta:
        constraints = [models.UniqueConstraint("organisation", "name", name="role_name_unique_per_organisation")]
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class UserStatus(models.TextChoices):
    PENDING = "pending", _("waiting for activation")
    ACTIVE = "active", _("active")
    BLOCKED = "blocked", _("blocked")


class User(AbstractBaseUser):
    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE, related_name="users")
    username = models.CharField(max_length=150)
    email = models.EmailField(max_length=254)
    # Comparison keys (identity.key): uniqueness and sign-in lookups use these.
    username_key = models.CharField(max_length=150, editable=False)
    email_key = models.CharField(max_length=254, editable=False)
    name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=UserStatus.choices, default=UserStatus.PENDING)
    blocked_reason = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=8, blank=True)
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    created_at = models.DateTimeField(default=clock.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    # Locked after too many failed sign-ins (policy.lockout_permanent_after), until a
    # password reset or an administrator lifts it. Temporary locks live in the cache.
    locked_at = models.DateTimeField(null=True, blank=True)
    # An administrator demands a second step of this user whatever the policy says.
    second_step_required = models.BooleanField(default=False)
    # `last_login` (from AbstractBaseUser) is the last sign-in; signin.flow sets it when a session is granted.

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint("organisation", "username_key", name="username_unique_per_organisation"),
            models.UniqueConstraint("organisation", "email_key", name="email_unique_per_organisation"),
        ]
        indexes = [
            # The console's user list: one organisation's users by status or last sign-in.
            models.Index(fields=["organisation", "status"], name="user_organisation_status"),
            models.Index(fields=["organisation", "last_login"], name="user_organisation_last_signin"),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.organisation_id}"

    def save(self, *args, **kwargs):
        self.username_key = identity.key(self.username)
        self.email_key = identity.key(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"username", "email"} & set(update_fields)):
            kwargs["update_fields"] = set(update_fields) | {"username_key", "email_key"}
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:  # used by django.contrib.auth to refuse a session
        return self.status == UserStatus.ACTIVE

    @property
    def display_name(self) -> str:
        return self.name or self.username

    def get_session_auth_hash(self) -> str:
        # Django's HMAC of the password hash, which every signed-in request checks the
        # session against: the same two inputs give the same answer, so it is worked out once.
        return _session_auth_hash(self.password, settings.SECRET_KEY)


@lru_cache(maxsize=4096)
def _session_auth_hash(password: str, secret: str) -> str:
    """Django's own AbstractBaseUser._get_session_auth_hash, remembered (it reads only the password)."""
    return AbstractBaseUser._get_session_auth_hash(SimpleNamespace(password=password), secret=secret)


from poortwachter.accounts.tokens import EmailToken  # noqa: E402,F401  (model registration)
