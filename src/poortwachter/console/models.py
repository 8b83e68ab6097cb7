"""What the console itself keeps: which version of the terms of service an administrator
accepted, and an organisation's branding (display name, logo, accent colour)."""

from django.db import models

from poortwachter import clock


class TermsAcceptance(models.Model):
    """An administrator accepted version `version` of the terms of service (the operator
    publishes versions: operators.TermsVersion) at `accepted_at`. Kept as the version
    number, so the record stays whatever the operator does with old versions."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="terms_acceptances")
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint("user", "version", name="terms_accepted_once_per_version")]


class Branding(models.Model):
    """How an organisation's login pages and e-mails look. The accent colour is one of a
    fixed palette (console.branding.ACCENTS): every one keeps white button text readable,
    and a class from our own stylesheet needs no inline style under the strict CSP."""

    organisation = models.OneToOneField("tenants.Organisation", on_delete=models.CASCADE,
                                        primary_key=True, related_name="branding")
    display_name = models.CharField(max_length=200, blank=True)
    accent = models.CharField(max_length=20, blank=True)
    # A small image (PNG, JPEG, GIF or WebP), shown as a data: URL so no file store is
    # needed and every process serves the same.
    logo = models.BinaryField(null=True, blank=True)
    logo_type = models.CharField(max_length=20, blank=True)
    changed_at = models.DateTimeField(default=clock.now)
