"""Installation-wide records the operator owns: the operator accounts and the published
versions of the terms of service."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from poortwachter import clock


class TermsVersion(models.Model):
    """A published version of the terms of service. Administrators accept the newest one
    before they use the console (console.terms)."""

    version = models.PositiveIntegerField(unique=True)
    text = models.TextField()
    published_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-version"]


class Operator(AbstractBaseUser):
    """Who runs the installation. Not an organisation user: no organisation, no roles, its
    own session key (operators.session) and its own sign-in page. AbstractBaseUser brings
    the password field and argon2id hashing with rehash-on-verify (settings.PASSWORD_HASHERS),
    so accounts.passwords.verify (bounded, with a dummy hash) serves operators too."""

    # Stored folded (identity.key): "Beheer" and "beheer" are one operator.
    name = models.CharField(max_length=150, unique=True)
    created_at = models.DateTimeField(default=clock.now)

    USERNAME_FIELD = "name"

    def __str__(self) -> str:
        return self.name
