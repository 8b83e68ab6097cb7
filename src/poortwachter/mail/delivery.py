"""Delivering the outbox over SMTP: due messages are taken one at a time, each attempt is
recorded, failures are retried with exponential backoff, and after the last attempt the
message stays in the outbox as failed for the operator to retry."""

import logging
from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction

from poortwachter import clock
from poortwachter.mail.models import MailStatus, OutboxMessage

log = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... at most an hour between attempts."""
    return timedelta(seconds=min(settings.MAIL_RETRY_FIRST_SECONDS * 2 ** (attempts - 1), 3600))


def _claim_next() -> OutboxMessage | None:
    """Take one due message; with several workers, each message goes to one of them."""
    with transaction.atomic():
        due = OutboxMessage.objects.filter(status=MailStatus.QUEUED, next_attempt_at__lte=clock.now())
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        message = due.select_related("organisation").order_by("next_attempt_at", "id").first()
        if message is None:
            return None
        # Push it out of reach for a while, so a worker that dies mid-send does not lose it.
        message.next_attempt_at = clock.now() + timedelta(minutes=5)
        message.save(update_fields=["next_attempt_at"])
        return message


def sender(message: OutboxMessage) -> str:
    """The configured no-reply address, named after the organisation the mail is about."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if message.organisation_id:
        name = message.organisation.name
    return formataddr((name, address)) if name else address


def _send(message: OutboxMessage) -> None:
    email = EmailMultiAlternatives(message.subject, message.text_body, sender(message),
                                   [message.to], headers={"Auto-Submitted": "auto-generated"})
    email.attach_alternative(message.html_body, "text/html")
    mailers.default.send_messages([email])


def deliver_one(message: OutboxMessage) -> None:
    if not settings.SMTP_HOST:
        message.status = MailStatus.CAPTURED  # development: read it at /_mail/
        message.save(update_fields=["status"])
        return
    message.attempts += 1
    try:
        _send(message)
    except Exception as error:  # any SMTP or network failure: record and retry later
        message.last_error = f"{type(error).__name__}: {error}"[:500]
        if message.attempts >= settings.MAIL_MAX_ATTEMPTS:
            message.status = MailStatus.FAILED
            log.warning("mail %s to %s failed after %s attempts: %s", message.id, message.to,
                        message.attempts, message.last_error)
        else:
            message.next_attempt_at = clock.now() + backoff(message.attempts)
    else:
        message.status, message.sent_at, message.last_error = MailStatus.SENT, clock.now(), ""
    message.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "sent_at"])


def deliver_due(limit: int = 100) -> int:
    """Handle waiting mail requests, then deliver what is due now; returns how many
    messages were attempted."""
    from poortwachter.mail.requests import handle_pending

    handle_pending()
    done = 0
    while done < limit and (message := _claim_next()) is not None:
        deliver_one(message)
        done += 1
    return done


def retry_failed(message_id: int | None = None) -> int:
    """Put failed messages back in the queue (the operator's retry)."""
    failed = OutboxMessage.objects.filter(status=MailStatus.FAILED)
    if message_id is not None:
        failed = failed.filter(pk=message_id)
    return failed.update(status=MailStatus.QUEUED, attempts=0, next_attempt_at=clock.now())
