"""No e-mail is lost: SMTP down means waiting in the outbox, then delivery; after the last
attempt the message is marked failed, never dropped."""

from datetime import timedelta

import pytest

from poortwachter.mail import delivery, outbox
from poortwachter.mail.models import MailStatus, OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db


def queue_test_mail(org, to="ontvanger@example.nl"):
    user = factories.user(org, email=to, password=None)
    context = {"user": user, "changed_at": user.created_at, "login_link": outbox.public_link(f"/{org.slug}/login"),
               "forgot_link": outbox.public_link(f"/{org.slug}/password/forgot")}
    return outbox.queue("password_changed", to, context, organisation=org)


def test_message_is_delivered_over_smtp_in_both_parts(org, smtp):
    queue_test_mail(org)
    [received] = smtp.deliver()
    assert received.to == ["ontvanger@example.nl"] and received.subject
    assert received.text and received.html.lstrip().lower().startswith("<!doctype html>")
    assert OutboxMessage.objects.get().status == MailStatus.SENT


def test_smtp_down_keeps_the_message_and_delivers_when_back(org, smtp, clock):
    smtp.stop()
    queue_test_mail(org)
    assert smtp.deliver() == []
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (MailStatus.QUEUED, 1) and message.last_error
    smtp.start()
    assert smtp.deliver() == []  # not due yet: backoff
    clock.advance(timedelta(seconds=31))
    assert len(smtp.deliver()) == 1
    assert OutboxMessage.objects.get().status == MailStatus.SENT


def test_backoff_doubles_and_is_capped():
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 4, 12)] == [30, 60, 120, 240, 3600]


def test_after_the_last_attempt_the_message_is_failed_not_dropped(org, smtp, clock, settings):
    settings.MAIL_MAX_ATTEMPTS = 3
    smtp.stop()
    queue_test_mail(org)
    for _ in range(5):
        smtp.deliver()
        clock.advance(timedelta(hours=1))
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (MailStatus.FAILED, 3)
    smtp.start()
    assert smtp.deliver() == []
    assert delivery.retry_failed() == 1  # the operator's retry
    assert len(smtp.deliver()) == 1


def test_without_smtp_mail_is_captured_for_the_development_outbox(org, client, settings):
    settings.SMTP_HOST, settings.DEMO_MODE = "", True
    queue_test_mail(org)
    delivery.deliver_due()
    assert OutboxMessage.objects.get().status == MailStatus.CAPTURED
    page = client.get("/_mail/")
    assert page.status_code == 200 and "ontvanger@example.nl" in page.content.decode()
    data = client.get("/_mail/messages.json").json()
    assert data["messages"][0]["to"] == "ontvanger@example.nl"


def test_development_outbox_does_not_exist_in_production(org, client, settings):
    settings.DEMO_MODE = False
    queue_test_mail(org)
    assert client.get("/_mail/").status_code == 404
    assert client.get("/_mail/messages.json").status_code == 404


def test_mail_is_written_with_the_action_or_not_at_all(org):
    from django.db import transaction

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            queue_test_mail(org)
            raise RuntimeError("the action failed")
    assert not OutboxMessage.objects.exists()


def test_text_part_and_subject_are_not_html_escaped(smtp, db):
    org = factories.organisation(name="Bakker & Zn's")
    queue_test_mail(org)
    [received] = smtp.deliver()
    assert "Bakker & Zn's" in received.subject
    assert "Bakker &amp; Zn&#x27;s" in received.html or "Bakker &amp; Zn's" in received.html


def test_sender_is_the_no_reply_address_named_after_the_organisation(smtp, settings, db):
    settings.DEFAULT_FROM_EMAIL = "Poortwachter <niet-antwoorden@login.example>"
    org = factories.organisation(name="Bakkerij Jansen")
    queue_test_mail(org)
    [received] = smtp.deliver()
    assert received.message["From"] == "Bakkerij Jansen <niet-antwoorden@login.example>"


def test_operator_retries_failed_mail_from_the_cli(org, smtp, clock, settings, capsys):
    from poortwachter import cli

    settings.MAIL_MAX_ATTEMPTS = 1
    smtp.stop()
    queue_test_mail(org)
    smtp.deliver()
    assert OutboxMessage.objects.get().status == MailStatus.FAILED
    smtp.start()
    assert cli.main(["retrymail"]) == 0 and "1" in capsys.readouterr().out
    assert len(smtp.deliver()) == 1
