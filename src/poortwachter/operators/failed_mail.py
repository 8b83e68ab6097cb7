"""Failed e-mail for the operator: messages the delivery worker gave up on after the last
attempt (mail.delivery marks them failed, never drops them), and putting them back in the
queue (mail.delivery.retry_failed, the same as `poortwachter retrymail`).

The operator sees address, subject and error, never the body: a failed welcome or reset
mail holds a live link that would open someone else's account."""

from django.db import transaction

from poortwachter.mail.delivery import retry_failed
from poortwachter.mail.models import MailStatus, OutboxMessage
from poortwachter.security import audit
from poortwachter.security.audit import Event

SHOWN = 500


def failed_messages():
    return (OutboxMessage.objects.filter(status=MailStatus.FAILED).select_related("organisation")
            .only("id", "organisation", "organisation__slug", "to", "subject", "attempts", "last_error", "created_at")
            .order_by("-id"))


@transaction.atomic
def retry(message_id: int | None, *, operator_name: str, request=None) -> int:
    """Back in the queue: one message, or every failed one. Returns how many."""
    organisation = None
    if message_id is not None:
        message = OutboxMessage.objects.filter(pk=message_id, status=MailStatus.FAILED).first()
        if message is None:
            return 0
        organisation = message.organisation
    count = retry_failed(message_id)
    if count:
        audit.record(Event.OPERATOR_MAIL_RETRIED, request=request, organisation=organisation,
                     subject_label=f"operator:{operator_name}",
                     reason=f"message {message_id}" if message_id is not None else f"{count} messages")
    return count
