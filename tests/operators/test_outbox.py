"""Failed e-mail in the operator console: listed without their bodies, retried one or all."""

import pytest
from django.test import Client

from poortwachter.mail.models import MailStatus, OutboxMessage
from poortwachter.security.audit import AuditEvent

pytestmark = pytest.mark.django_db


def message(org=None, status=MailStatus.FAILED, to="iemand@example.nl", attempts=8):
    return OutboxMessage.objects.create(
        organisation=org, template="welcome", to=to, subject=f"Welkom {to}", text_body="geheime-link-123",
        html_body="<p>geheime-link-123</p>", language="nl", status=status, attempts=attempts,
        last_error="SMTPConnectError: (421, 'down')")


def test_failed_messages_are_listed_without_their_body(operator_client, org):
    failed = message(org)
    sent = message(org, status=MailStatus.SENT, to="bezorgd@example.nl")
    page = operator_client.get("/_operator/outbox/").content.decode()
    assert f'id="message-{failed.id}"' in page and f'id="message-{sent.id}"' not in page
    assert "iemand@example.nl" in page and "SMTPConnectError" in page and org.slug in page
    assert "8 attempts" in page
    assert "geheime-link-123" not in page


def test_empty_list_says_so(operator_client):
    assert b'id="no-failed-mail"' in operator_client.get("/_operator/outbox/").content


def test_retry_one_message(operator_client, org):
    one, other = message(org), message(to="ander@example.nl")
    response = operator_client.post("/_operator/outbox/retry", {"message_id": one.id})
    assert response.status_code == 302 and response["Location"] == "/_operator/outbox/?retried=1"
    one.refresh_from_db(), other.refresh_from_db()
    assert (one.status, one.attempts) == (MailStatus.QUEUED, 0)
    assert other.status == MailStatus.FAILED
    row = AuditEvent.objects.get(type="operator.mail_retried")
    assert row.organisation == org and row.reason == f"message {one.id}" and row.subject_label == "operator:beheer"
    assert b"1 message is back in the queue." in operator_client.get(response["Location"]).content


def test_retry_all(operator_client, org):
    for n in range(3):
        message(org, to=f"p{n}@example.nl")
    response = operator_client.post("/_operator/outbox/retry", {})
    assert response["Location"] == "/_operator/outbox/?retried=3"
    assert not OutboxMessage.objects.filter(status=MailStatus.FAILED).exists()
    assert AuditEvent.objects.get(type="operator.mail_retried").reason == "3 messages"


def test_retry_of_a_message_that_did_not_fail_changes_nothing(operator_client, org):
    sent = message(org, status=MailStatus.SENT)
    response = operator_client.post("/_operator/outbox/retry", {"message_id": sent.id})
    assert response["Location"] == "/_operator/outbox/?retried=0"
    sent.refresh_from_db()
    assert sent.status == MailStatus.SENT
    assert not AuditEvent.objects.filter(type="operator.mail_retried").exists()
    assert b"no longer waiting for a retry" in operator_client.get(response["Location"]).content


def test_retry_with_a_bad_number_is_refused(operator_client, org):
    failed = message(org)
    response = operator_client.post("/_operator/outbox/retry", {"message_id": "abc"})
    assert response.status_code == 400 and b"not a message number" in response.content
    failed.refresh_from_db()
    assert failed.status == MailStatus.FAILED


def test_retry_without_csrf_token_is_refused(operator_client, org):
    failed = message(org)
    forger = Client(enforce_csrf_checks=True)
    forger.cookies = operator_client.cookies
    assert forger.post("/_operator/outbox/retry", {}).status_code == 403
    failed.refresh_from_db()
    assert failed.status == MailStatus.FAILED


def test_retried_message_is_delivered_by_the_worker(operator_client, org, smtp):
    failed = message(org, to="alsnog@example.nl")
    operator_client.post("/_operator/outbox/retry", {"message_id": failed.id})
    assert [m.to for m in smtp.deliver()] == [["alsnog@example.nl"]]
    failed.refresh_from_db()
    assert failed.status == MailStatus.SENT
