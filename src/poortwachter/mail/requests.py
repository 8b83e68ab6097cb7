"""Requests for e-mail whose answer must not reveal whether an account exists ("forgot my
password", "forgot my username", magic link, "which website?"). The page only records the
request — the same single insert whether or not the address is known, so the same answer
in the same time — and the worker runs the handler that looks the account up, makes the
token and queues the mail, in one transaction.

A handler is `handler(request: MailRequest) -> None`; `HANDLERS` names them by kind."""

import logging

from django.db import models, transaction
from django.utils.module_loading import import_string

from poortwachter import clock

log = logging.getLogger(__name__)

HANDLERS = {
    "password_reset": "poortwachter.signin.password_reset.flow.send_password_reset",
    "username_reminder": "poortwachter.signin.reminders.flow.send_username_reminder",
    "which_website": "poortwachter.signin.reminders.flow.send_portal_list",
    "magic_link": "poortwachter.methods.magic_link.flow.send_link",
}


class MailRequest(models.Model):
    kind = models.CharField(max_length=30)
    organisation = models.ForeignKey("tenants.Organisation", null=True, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=254)  # what the person typed, cleaned
    language = models.CharField(max_length=8)
    source = models.GenericIPAddressField(null=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["done_at", "id"])]


def record(kind: str, value: str, *, request, organisation=None, data: dict | None = None) -> None:
    from poortwachter.security.source import source_address

    assert kind in HANDLERS, kind
    MailRequest.objects.create(kind=kind, organisation=organisation, value=value[:254],
                               language=request.LANGUAGE_CODE, source=source_address(request),
                               data=data or {})


def handle_pending(limit: int = 100) -> int:
    """Run the handlers of waiting requests; each is done once, even with several workers."""
    done = 0
    for pending in MailRequest.objects.filter(done_at__isnull=True).order_by("id")[:limit]:
        with transaction.atomic():
            claimed = MailRequest.objects.filter(pk=pending.pk, done_at__isnull=True).update(done_at=clock.now())
            if not claimed:
                continue
            try:
                import_string(HANDLERS[pending.kind])(pending)
            except Exception:
                log.exception("mail request %s (%s) failed", pending.pk, pending.kind)
                raise
        done += 1
    return done
