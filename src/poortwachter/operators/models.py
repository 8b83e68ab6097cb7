"""Installation-wide records the operator owns."""

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
