"""The outbox: one row per e-mail, from the moment the action happens until it is delivered
or, after the last attempt, marked failed (never dropped)."""

from django.db import models

from poortwachter import clock


class MailStatus(models.TextChoices):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    CAPTURED = "captured"  # no SMTP configured: kept for the development outbox page


class OutboxMessage(models.Model):
    organisation = models.ForeignKey("tenants.Organisation", null=True, on_delete=models.CASCADE, related_name="+")
    template = models.CharField(max_length=60)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    text_body = models.TextField()
    html_body = models.TextField()
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=clock.now)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        ordering = ["-id"]


from poortwachter.mail.requests import MailRequest  # noqa: E402,F401  (model registration)
