"""“Inloggen met een link per e-mail”: a one-time link, valid 10 minutes, that works only
in the browser that asked for it; opening it shows a confirmation button (mail scanners
fetch links); it proves only the mailbox, so the steps still apply."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from poortwachter.accounts import tokens
from poortwachter.accounts.models import UserStatus
from poortwachter.accounts.tokens import EmailToken, Purpose
from poortwachter.mail.requests import MailRequest
from poortwachter.security.audit import AuditEvent
from poortwachter.tenants.services import set_status
from tests import factories
from tests.mailbox import path_of
from tests.signin.helpers import without_tokens

pytestmark = pytest.mark.django_db


def ask(client, org, identifier, **extra):
    return client.post(f"/{org.slug}/login/link", {"identifier": identifier, **extra})


def link_from_mail(smtp, address) -> str:
    [link] = [url for url in smtp.last_to(address).links() if "/login/link/" in url]
    return path_of(link, settings.PUBLIC_URL)


def asked_link(client, org, smtp, identifier="jan@example.nl", address="jan@example.nl") -> str:
    assert ask(client, org, identifier).status_code == 302
    smtp.deliver()
    return link_from_mail(smtp, address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def jan(org):
    return factories.user(org, email="jan@example.nl", username="jdevries")


def test_link_signs_in_in_the_same_browser_after_the_confirmation(client, org, jan, smtp):
    assert "Inloggen met een link per e-mail" in client.get(f"/{org.slug}/login/link").content.decode()
    path = asked_link(client, org, smtp, identifier="jdevries")
    page = client.get(path)
    assert page.status_code == 200 and '<button type="submit">Aanmelden</button>' in page.content.decode()
    assert not signed_in(client)
    response = client.post(path)
    assert response.status_code == 302 and response.url == f"/{org.slug}/dashboard"
    assert client.session["_auth_user_id"] == str(jan.pk)
    assert client.session["amr"] == ["email"]  # proves only the mailbox
    assert "magic_link" not in client.session  # the nonce is gone with the link
    assert AuditEvent.objects.filter(type="signin.succeeded", subject=jan, reason="email").exists()


def test_mail_says_how_long_and_where_the_link_works_and_uses_the_public_url(client, org, jan, smtp, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    ask(client, org, "jan@example.nl", HTTP_HOST="evil.example")
    [mail] = smtp.deliver()
    assert org.name in mail.subject and "10 minuten" in mail.text and "browser" in mail.text
    [link] = mail.links()
    assert link.startswith(f"{settings.PUBLIC_URL}/{org.slug}/login/link/")
    assert link in mail.html and "evil.example" not in mail.text + mail.html


def test_opening_the_link_does_not_use_it_up(client, org, jan, smtp):
    path = asked_link(client, org, smtp)
    scanner = Client()
    for browser in (scanner, scanner, client, client):
        assert browser.get(path).status_code == 200
    assert EmailToken.objects.get(purpose=Purpose.MAGIC_LINK).used_at is None
    assert client.post(path).status_code == 302 and signed_in(client)


def test_link_opened_in_another_browser_is_refused_and_still_works_in_the_right_one(client, org, jan, smtp):
    path = asked_link(client, org, smtp)
    other = Client()
    assert "alleen in de browser" in other.get(path).content.decode()
    refused = other.post(path)
    assert refused.status_code == 403 and "alleen in de browser" in refused.content.decode()
    assert not signed_in(other)
    assert AuditEvent.objects.filter(type="signin.failed", reason="magic_link_other_browser").exists()
    assert client.post(path).status_code == 302 and signed_in(client)


@pytest.mark.parametrize("after, works", [(timedelta(minutes=9, seconds=59), True),
                                          (timedelta(minutes=10, seconds=1), False)])
def test_link_is_valid_for_ten_minutes(client, org, jan, smtp, clock, after, works):
    path = asked_link(client, org, smtp)
    clock.advance(after)
    response = client.post(path)
    assert signed_in(client) is works
    if not works:
        assert response.status_code == 403 and "verlopen" in response.content.decode()
        assert "verlopen" in client.get(path).content.decode()


def test_link_works_once(client, org, jan, smtp):
    path = asked_link(client, org, smtp)
    assert client.post(path).status_code == 302
    again = client.post(path)
    assert again.status_code == 403 and "al gebruikt" in again.content.decode()
    assert "al gebruikt" in Client().get(path).content.decode()
    assert "al gebruikt" in client.get(path).content.decode()


def test_a_newer_link_replaces_the_older_one(client, org, jan, smtp):
    first = asked_link(client, org, smtp)
    second = asked_link(client, org, smtp)
    assert "niet geldig" in client.get(first).content.decode()
    assert client.post(first).status_code == 403
    assert client.post(second).status_code == 302


def test_the_steps_still_apply_after_a_magic_link(client, smtp):
    org = factories.organisation(policy={"password_max_age_days": 90})
    jan = factories.user(org, email="jan@example.nl")
    jan.password_changed_at = jan.password_changed_at - timedelta(days=91)
    jan.save(update_fields=["password_changed_at"])
    response = client.post(asked_link(client, org, smtp))
    assert response.status_code == 302 and response.url == f"/{org.slug}/login/password-expired"
    assert not signed_in(client)
    assert client.session["pending_signin"]["amr"] == ["email"]


def test_next_page_is_kept_through_the_link(client, org, jan, smtp):
    page = client.get(f"/{org.slug}/login/link?next=/{org.slug}/settings/").content.decode()
    assert f'value="/{org.slug}/settings/"' in page
    ask(client, org, "jan@example.nl", next=f"/{org.slug}/settings/")
    smtp.deliver()
    assert client.post(link_from_mail(smtp, "jan@example.nl")).url == f"/{org.slug}/settings/"


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example", "/" + "x" * 3000])
def test_foreign_or_tampered_next_is_dropped_not_followed(client, org, jan, smtp, next_url):
    assert ask(client, org, "jan@example.nl", next=next_url).status_code == 302
    smtp.deliver()
    assert client.post(link_from_mail(smtp, "jan@example.nl")).url == f"/{org.slug}/dashboard"


def test_organisation_that_switched_magic_links_off_sends_nothing(client, smtp):
    org = factories.organisation(policy={"allow_magic_link": False})
    factories.user(org, email="jan@example.nl")
    page = client.get(f"/{org.slug}/login/link")
    assert page.status_code == 404 and "biedt geen" in page.content.decode()
    assert ask(client, org, "jan@example.nl").status_code == 404
    assert MailRequest.objects.count() == 0 and smtp.deliver() == []


def test_link_stops_working_when_the_organisation_switches_magic_links_off(client, org, jan, smtp):
    path = asked_link(client, org, smtp)
    org.policy.allow_magic_link = False
    org.policy.save()
    assert client.post(path).status_code == 404 and not signed_in(client)


@pytest.mark.parametrize("block", ["user", "organisation"])
def test_blocked_user_or_organisation_gets_the_block_message_and_no_session(client, org, jan, smtp, block):
    path = asked_link(client, org, smtp)
    if block == "user":
        jan.status = UserStatus.BLOCKED
        jan.save(update_fields=["status"])
        expected = "geblokkeerd door een beheerder"
    else:
        set_status(org, "blocked_payment")
        expected = "openstaande facturen"
    response = client.post(path)
    assert response.status_code == 403 and expected in response.content.decode()
    assert not signed_in(client)


def test_accounts_that_cannot_sign_in_get_no_link(client, org, smtp):
    factories.user(org, email="nieuw@example.nl", password=None)  # waiting for activation
    blocked = factories.user(org, email="weg@example.nl")
    blocked.status = UserStatus.BLOCKED
    blocked.save(update_fields=["status"])
    ask(client, org, "nieuw@example.nl")
    ask(client, org, "weg@example.nl")
    assert smtp.deliver() == []


def test_magic_link_token_is_refused_for_other_purposes_and_the_other_way_round(client, org, jan, smtp):
    path = asked_link(client, org, smtp)
    raw = path.rsplit("/", 1)[1]
    for purpose in (Purpose.PASSWORD_RESET, Purpose.ACTIVATION, Purpose.EMAIL_CHANGE):
        assert tokens.redeem(raw, purpose, org).state == tokens.State.UNKNOWN
    reset = tokens.issue(jan, Purpose.PASSWORD_RESET, timedelta(hours=1))
    assert client.post(f"/{org.slug}/login/link/{reset}").status_code == 403
    assert not signed_in(client)
    assert client.post(path).status_code == 302  # the magic link itself is untouched


def test_link_of_one_organisation_does_not_work_in_another(client, org, jan, smtp):
    path = asked_link(client, org, smtp)
    other = factories.organisation()
    elsewhere = path.replace(f"/{org.slug}/", f"/{other.slug}/", 1)
    assert "niet geldig" in client.get(elsewhere).content.decode()
    assert client.post(elsewhere).status_code == 403 and not signed_in(client)


@pytest.mark.parametrize("tamper", [lambda t: t[:-4], lambda t: t + "x", lambda t: "A" * 10000, lambda t: "%ff%fe"])
def test_tampered_links_explain_what_to_do(client, org, jan, smtp, tamper):
    path = asked_link(client, org, smtp)
    prefix, raw = path.rsplit("/", 1)
    bad = f"{prefix}/{tamper(raw)}"
    page = client.get(bad)
    assert page.status_code == 200 and "Nieuwe link aanvragen" in page.content.decode()
    assert client.post(bad).status_code == 403 and not signed_in(client)


def test_known_and_unknown_get_the_same_answer(client, org, jan, smtp):
    answers = [ask(client, org, typed) for typed in ("jan@example.nl", "niemand@example.nl", "jdevries", "niemand")]
    assert len({(a.status_code, a.url, a.content) for a in answers}) == 1
    pages = {without_tokens(client.get(a.url).content.decode()) for a in answers}
    assert len(pages) == 1 and "we een link" in pages.pop()
    assert MailRequest.objects.count() == 4
    assert [m.to for m in smtp.deliver()] == [["jan@example.nl"], ["jan@example.nl"]]


def test_sixth_request_in_an_hour_sends_no_mail_but_answers_the_same(client, org, jan, smtp):
    assert len({ask(client, org, "jan@example.nl").url for _ in range(6)}) == 1
    assert len(smtp.deliver()) == 5


@pytest.mark.parametrize("typed, message", [
    ("jan@", "geen geldig e-mailadres"),
    ("jan de vries", "gebruikersnaam"),
    ("", "Dit veld is verplicht."),
    ("j" * 10000, "hoogstens"),
])
def test_garbage_and_overlong_input_is_explained_and_records_nothing(client, org, typed, message):
    response = ask(client, org, typed)
    assert response.status_code == 200 and message in response.content.decode()
    assert MailRequest.objects.count() == 0
