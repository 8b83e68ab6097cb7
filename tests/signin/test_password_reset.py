""""Wachtwoord vergeten?": the same answer whether or not the account exists, a link valid
one hour that works once and leaves the address bar before the form, the password rules,
every session of the person ended, a "your password was changed" e-mail. Over HTTP, with
the real SMTP server and the fake clock."""

from datetime import timedelta

import pytest
from django.test import Client

from poortwachter.accounts import services
from poortwachter.accounts.models import User, UserStatus
from poortwachter.mail.models import OutboxMessage
from poortwachter.mail.requests import MailRequest
from poortwachter.security.audit import AuditEvent, Event
from poortwachter.signin.activation import flow as activation
from poortwachter.signin.models import Session
from tests import factories
from tests.mailbox import path_of
from tests.signin.helpers import login, without_tokens

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://inloggen.example.nl"
NEW = "zeven-blauwe-fietsen-in-de-regen"


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PUBLIC_URL = PUBLIC_URL


@pytest.fixture
def jan(org):
    return factories.user(org, email="jan@example.nl", username="jan")


def forgot(client, org, identifier, **headers):
    return client.post(f"/{org.slug}/password/forgot", {"identifier": identifier}, **headers)


def reset_path(smtp, org, user, client=None) -> str:
    """Ask for a reset link for `user` and return the link's path from the received e-mail."""
    forgot(client or Client(), org, user.username)
    smtp.deliver()
    mail = smtp.last_to(user.email)
    [link] = [link for link in mail.links() if "/password/reset/" in link]
    return path_of(link, PUBLIC_URL)


def choose(client, org, password=NEW, confirm=None):
    return client.post(f"/{org.slug}/password/reset", {
        "new_password": password, "confirm_password": password if confirm is None else confirm})


def password_of(user) -> str:
    user.refresh_from_db()
    for candidate in (factories.PASSWORD, NEW):
        if user.check_password(candidate):
            return candidate
    return "?"


def test_same_answer_for_existing_and_unknown_accounts_and_mail_only_for_the_existing(client, org, jan, smtp):
    answers = [forgot(client, org, value) for value in ("jan", "niemand", "jan@example.nl", "niemand@example.nl")]
    assert {a.status_code for a in answers} == {200}
    assert len({without_tokens(a.content.decode()) for a in answers}) == 1
    page = answers[0].content.decode()
    assert "Als er een account bij dit e-mailadres of deze gebruikersnaam hoort" in page
    assert "60 minuten geldig" in page
    received = smtp.deliver()
    assert [m.to for m in received] == [["jan@example.nl"], ["jan@example.nl"]]
    assert received[-1].subject == f"Kies een nieuw wachtwoord voor {org.name}"


def test_reset_mail_links_come_from_public_url_never_the_host_header(client, org, jan, smtp, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    forgot(client, org, "jan", HTTP_HOST="evil.example", HTTP_X_FORWARDED_HOST="evil.example")
    [mail] = smtp.deliver()
    for part in (mail.subject, mail.text, mail.html):
        assert "evil.example" not in part
    assert all(link.startswith(PUBLIC_URL + "/") for link in mail.links())
    assert f"{PUBLIC_URL}/{org.slug}/password/reset/" in mail.html


def test_reset_sets_the_password_with_the_token_out_of_the_url(client, org, jan, smtp):
    path = reset_path(smtp, org, jan)
    opened = client.get(path)
    assert opened.status_code == 302 and opened["Location"] == f"/{org.slug}/password/reset"
    form = client.get(opened["Location"])
    assert form.status_code == 200 and form.request["PATH_INFO"] == f"/{org.slug}/password/reset"
    page = form.content.decode()
    assert "Kies een nieuw wachtwoord" in page and "/static/strength.js" in page
    assert path.rsplit("/", 1)[1] not in page  # the token is nowhere on the page

    done = choose(client, org)
    assert done.status_code == 302 and done["Location"] == f"/{org.slug}/login?password_changed=1"
    assert password_of(jan) == NEW
    assert login(Client(), org, "jan", NEW)["Location"] == f"/{org.slug}/dashboard"
    assert login(Client(), org, "jan", factories.PASSWORD).status_code == 200  # the old one is refused


def test_opening_the_link_does_not_use_it(client, org, jan, smtp):
    path = reset_path(smtp, org, jan)
    assert Client().get(path).status_code == 302  # e.g. a mail scanner prefetching the link
    client.get(path)
    assert choose(client, org).status_code == 302


def test_link_is_valid_for_one_hour(client, org, jan, smtp, clock):
    path = reset_path(smtp, org, jan)
    clock.advance(timedelta(minutes=59))
    assert Client().get(path).status_code == 302
    clock.advance(timedelta(minutes=2))
    expired = client.get(path)
    assert expired.status_code == 410
    page = expired.content.decode()
    assert "Deze link is verlopen" in page and "60 minuten geldig" in page
    assert f'href="/{org.slug}/password/forgot"' in page
    assert password_of(jan) == factories.PASSWORD


def test_link_expiring_while_the_form_is_open_changes_nothing(client, org, jan, smtp, clock):
    client.get(reset_path(smtp, org, jan))
    clock.advance(timedelta(minutes=61))
    response = choose(client, org)
    assert response.status_code == 410 and "Deze link is verlopen" in response.content.decode()
    assert password_of(jan) == factories.PASSWORD


def test_link_works_once(client, org, jan, smtp):
    path = reset_path(smtp, org, jan)
    client.get(path)
    choose(client, org)
    again = Client().get(path)
    assert again.status_code == 200 and "Deze link is al gebruikt" in again.content.decode()
    assert f'href="/{org.slug}/password/forgot"' in again.content.decode()


def test_second_submission_of_the_form_changes_nothing_and_explains(client, org, jan, smtp):
    client.get(reset_path(smtp, org, jan))
    assert choose(client, org).status_code == 302
    second = choose(client, org, "een-heel-ander-wachtwoord-2031")
    assert second.status_code == 200 and "Deze link is al gebruikt" in second.content.decode()
    assert password_of(jan) == NEW


def test_every_session_of_the_person_ends(client, org, jan, smtp):
    elsewhere = Client()
    assert login(elsewhere, org, "jan").status_code == 302
    assert elsewhere.get(f"/{org.slug}/dashboard").status_code == 200
    client.get(reset_path(smtp, org, jan))
    choose(client, org)
    assert elsewhere.get(f"/{org.slug}/dashboard").status_code == 302  # signed out
    assert not Session.objects.filter(user=jan).exists()
    assert "_auth_user_id" not in client.session


def test_resetting_in_a_browser_that_was_signed_in_as_the_person(client, org, jan, smtp):
    login(client, org, "jan")
    client.get(reset_path(smtp, org, jan, client))
    assert choose(client, org)["Location"] == f"/{org.slug}/login?password_changed=1"
    assert client.get(f"/{org.slug}/dashboard").status_code == 302


def test_password_changed_mail_is_sent(client, org, jan, smtp):
    client.get(reset_path(smtp, org, jan))
    choose(client, org)
    [mail] = smtp.deliver()
    assert mail.to == ["jan@example.nl"]
    assert mail.subject == f"Uw wachtwoord voor {org.name} is gewijzigd"
    assert "op elk apparaat afgemeld" in mail.text and "Was u dit niet?" in mail.text
    assert f"{PUBLIC_URL}/{org.slug}/password/forgot" in mail.links()
    assert AuditEvent.objects.filter(type=Event.PASSWORD_RESET_DONE, subject=jan).count() == 1


def test_token_of_one_person_never_acts_on_another(client, org, jan, smtp):
    piet = factories.user(org, email="piet@example.nl", username="piet")
    jan_path = reset_path(smtp, org, jan)
    piet_path = reset_path(smtp, org, piet)
    client.get(piet_path)
    client.get(jan_path)  # the last link opened in this browser is the one that counts
    form = client.get(f"/{org.slug}/password/reset").content.decode()
    assert "jan@example.nl" in form and "piet@example.nl" not in form
    choose(client, org)
    assert (password_of(jan), password_of(piet)) == (NEW, factories.PASSWORD)


def test_reset_link_of_one_organisation_does_nothing_at_another(client, org, jan, smtp):
    other = factories.organisation()
    factories.user(other, email="jan@example.nl", username="jan")
    token = reset_path(smtp, org, jan).rsplit("/", 1)[1]
    assert client.get(f"/{other.slug}/password/reset/{token}").status_code == 404


def test_tokens_are_scoped_to_their_purpose(client, org, jan, smtp):
    reset_token = reset_path(smtp, org, jan).rsplit("/", 1)[1]
    refused = client.get(f"/{org.slug}/activate/{reset_token}")
    assert refused.status_code == 404 and "Deze activatielink werkt niet" in refused.content.decode()

    pending = factories.user(org, email="nieuw@example.nl", username="nieuw", password=None)
    activation.send_welcome(pending)
    smtp.deliver()
    [link] = [link for link in smtp.last_to("nieuw@example.nl").links() if "/activate/" in link]
    activation_token = link.rsplit("/", 1)[1]
    refused = client.get(f"/{org.slug}/password/reset/{activation_token}")
    assert refused.status_code == 404 and "Deze link werkt niet" in refused.content.decode()
    assert password_of(jan) == factories.PASSWORD


def test_a_password_change_kills_an_outstanding_reset_link(client, org, jan, smtp):
    path = reset_path(smtp, org, jan)
    services.set_password(User.objects.get(pk=jan.pk), "een-ander-nieuw-wachtwoord-2030")
    dead = client.get(path)
    assert dead.status_code == 404 and "uw wachtwoord inmiddels gewijzigd" in dead.content.decode()


def test_a_newer_link_kills_the_older_one(client, org, jan, smtp):
    old = reset_path(smtp, org, jan)
    new = reset_path(smtp, org, jan)
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 302


def test_weak_password_is_refused_in_dutch_and_the_link_still_works(client, org, jan, smtp):
    client.get(reset_path(smtp, org, jan))
    refused = choose(client, org, "kort")
    assert refused.status_code == 200 and "Het wachtwoord is te kort" in refused.content.decode()
    refused = choose(client, org, "x" * 10_000)
    assert refused.status_code == 200 and "Dit is te lang" in refused.content.decode()
    assert password_of(jan) == factories.PASSWORD
    assert choose(client, org).status_code == 302


def test_bad_input_on_the_forgot_page_gets_a_clear_message_and_records_nothing(client, org, jan):
    for value in ("", "   ", "\u200b", "x" * 10_000):
        response = forgot(client, org, value)
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert "Dit is te lang" in forgot(client, org, "x" * 10_000).content.decode()
    assert not MailRequest.objects.exists()


def test_tampered_and_truncated_tokens_get_a_clear_message(client, org, jan, smtp):
    token = reset_path(smtp, org, jan).rsplit("/", 1)[1]
    for bad in (token[:-1], token[:8], token + "A", token.swapcase(), "x" * 10_000, "a/b"):
        response = client.get(f"/{org.slug}/password/reset/{bad}")
        assert response.status_code == 404 and "Deze link werkt niet" in response.content.decode(), bad
    response = client.get(f"/{org.slug}/password/reset")
    assert response.status_code == 400 and "Open de link uit uw e-mail opnieuw" in response.content.decode()


def test_identifier_is_trimmed_and_case_folded(client, org, jan, smtp):
    forgot(client, org, "\u00a0JAN@Example.nl \u200b")
    assert [m.to for m in smtp.deliver()] == [["jan@example.nl"]]


def test_pending_account_gets_the_welcome_mail_again(client, org, smtp):
    pending = factories.user(org, email="nieuw@example.nl", username="nieuw", password=None)
    forgot(client, org, "nieuw")
    [mail] = smtp.deliver()
    assert mail.subject == f"Activeer uw account bij {org.name}"
    [link] = [link for link in mail.links() if "/activate/" in link]
    assert client.get(path_of(link, PUBLIC_URL)).status_code == 302
    pending.refresh_from_db()
    assert pending.status == UserStatus.PENDING


def test_blocked_account_and_organisation_without_passwords_get_nothing(client, org, jan, smtp):
    blocked = factories.user(org, email="geblokkeerd@example.nl", username="geblokkeerd")
    User.objects.filter(pk=blocked.pk).update(status=UserStatus.BLOCKED)
    forgot(client, org, "geblokkeerd")
    org.policy.allow_password = False
    org.policy.save()
    forgot(client, org, "jan")
    assert smtp.deliver() == []


def test_at_most_five_reset_mails_per_address_per_hour(client, org, jan, smtp, clock):
    for _ in range(7):
        assert forgot(client, org, "jan").status_code == 200
    assert len(smtp.deliver()) == 5
    clock.advance(timedelta(hours=1))
    forgot(client, org, "jan")
    assert len(smtp.deliver()) == 1


def test_mail_and_pages_in_english(client, org, jan, smtp):
    page = client.post(f"/{org.slug}/password/forgot?lang=en", {"identifier": "jan"}).content.decode()
    assert "If an account belongs to this e-mail address or username" in page
    [mail] = smtp.deliver()
    assert mail.subject == f"Choose a new password for {org.name}"
    assert "valid for 60 minutes" in mail.text
    [link] = [link for link in mail.links() if "/password/reset/" in link]
    client.get(path_of(link, PUBLIC_URL))
    choose(client, org)
    smtp.deliver()
    assert smtp.last_to("jan@example.nl").subject == f"Your password for {org.name} was changed"


def test_mail_is_written_with_the_reset_or_not_at_all(client, org, jan, smtp):
    client.get(reset_path(smtp, org, jan))
    choose(client, org, "kort")
    assert not OutboxMessage.objects.filter(template="password_changed").exists()
    choose(client, org)
    assert OutboxMessage.objects.filter(template="password_changed").count() == 1
