"""Changing one's e-mail address: asked for with the current password, confirmed from the
new mailbox by a single-use link (24 hours), the old address told at both moments."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client

from poortwachter.accounts import tokens
from poortwachter.accounts.models import User
from poortwachter.security.audit import AuditEvent, Event
from tests import factories
from tests.mailbox import path_of
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db

OLD, NEW = "anna@example.nl", "anna.nieuw@example.nl"


@pytest.fixture
def anna(client, org):
    user = factories.user(org, username="anna", email=OLD)
    assert login(client, org, "anna").status_code == 302
    return user


def ask(client, org, email=NEW, password=factories.PASSWORD, **headers):
    return client.post(f"/{org.slug}/settings/email", {"email": email, "current_password": password}, **headers)


def confirmation_path(smtp, address=NEW) -> str:
    [link] = smtp.last_to(address).links()
    return path_of(link, django_settings.PUBLIC_URL)


def email_of(user) -> str:
    return User.objects.get(pk=user.pk).email


def test_page_asks_for_the_new_address_and_the_current_password_in_dutch(client, org, anna):
    html = client.get(f"/{org.slug}/settings/email").content.decode()
    assert "<h1>E-mailadres wijzigen</h1>" in html
    assert '<label for="id_email">Nieuw e-mailadres</label>' in html
    assert '<label for="id_current_password">Huidig wachtwoord</label>' in html


def test_nothing_changes_until_the_new_address_confirms(client, org, anna, smtp):
    response = ask(client, org)
    assert response.status_code == 302 and response["Location"] == f"/{org.slug}/settings/?done=email"
    page = client.get(response["Location"]).content.decode()
    assert "We hebben een link naar uw nieuwe e-mailadres gestuurd" in page
    assert f"Een wijziging naar {NEW} wacht op bevestiging" in page
    assert email_of(anna) == OLD
    assert login(Client(), org, OLD).status_code == 302
    assert login(Client(), org, NEW).status_code == 200


def test_link_goes_to_the_new_address_and_the_old_one_is_told(client, org, anna, smtp):
    ask(client, org)
    received = smtp.deliver()
    assert sorted(m.to[0] for m in received) == sorted([NEW, OLD])
    confirm = smtp.last_to(NEW)
    assert confirm.subject == f"Bevestig uw nieuwe e-mailadres voor {org.name}"
    assert "24 uur" in confirm.text and confirm.html.count("/settings/email/confirm/") >= 1
    notice = smtp.last_to(OLD)
    assert notice.subject == f"Wijziging van uw e-mailadres voor {org.name} aangevraagd"
    assert NEW in notice.text and "/confirm/" not in notice.text + notice.html  # no link for the old box
    assert AuditEvent.objects.filter(type=Event.EMAIL_CHANGE_REQUESTED, subject=anna).exists()


def test_confirming_changes_the_address_and_sign_in_follows(client, org, anna, smtp):
    ask(client, org)
    smtp.deliver()
    path = confirmation_path(smtp)
    for _ in range(2):  # a mail scanner opening the link uses nothing up
        page = client.get(path)
        assert page.status_code == 200 and "E-mailadres bevestigen" in page.content.decode()
    assert email_of(anna) == OLD
    response = client.post(path)
    assert "Uw e-mailadres is gewijzigd in anna.nieuw@example.nl" in response.content.decode()
    assert email_of(anna) == NEW and User.objects.get(pk=anna.pk).email_key == NEW
    assert login(Client(), org, NEW).status_code == 302
    assert login(Client(), org, OLD).status_code == 200
    [notice] = smtp.deliver()
    assert notice.to == [OLD] and notice.subject == f"Uw e-mailadres voor {org.name} is gewijzigd"
    assert AuditEvent.objects.filter(type=Event.EMAIL_CHANGED, subject=anna).exists()
    assert client.get(f"/{org.slug}/settings/").status_code == 200  # still signed in


def test_confirming_works_in_a_browser_that_is_not_signed_in(client, org, anna, smtp):
    ask(client, org)
    smtp.deliver()
    elsewhere = Client()
    response = elsewhere.post(confirmation_path(smtp))
    assert response.status_code == 200 and email_of(anna) == NEW
    assert f'href="/{org.slug}/login"' in response.content.decode()


def test_link_works_once(client, org, anna, smtp):
    ask(client, org)
    smtp.deliver()
    path = confirmation_path(smtp)
    client.post(path)
    smtp.deliver()
    User.objects.filter(pk=anna.pk).update(email=OLD, email_key=OLD)  # e.g. an admin set it back
    again = client.post(path)
    assert "Deze link is al gebruikt. Er is niets gewijzigd." in again.content.decode()
    assert email_of(anna) == OLD
    assert smtp.deliver() == []


def test_second_click_on_a_used_link_says_it_is_done(client, org, anna, smtp):
    ask(client, org)
    smtp.deliver()
    path = confirmation_path(smtp)
    client.post(path)
    smtp.deliver()
    again = client.post(path)
    assert "Uw e-mailadres is gewijzigd" in again.content.decode()
    assert smtp.deliver() == []  # no second notice


def test_link_expires_after_24_hours(client, org, anna, smtp, clock):
    ask(client, org)
    smtp.deliver()
    path = confirmation_path(smtp)
    clock.advance(timedelta(hours=24, seconds=1))
    assert "ouder dan 24 uur" in client.get(path).content.decode()
    response = client.post(path)
    assert "ouder dan 24 uur" in response.content.decode() and email_of(anna) == OLD


def test_link_still_works_just_before_24_hours(client, org, anna, smtp, clock):
    ask(client, org)
    smtp.deliver()
    clock.advance(timedelta(hours=23, minutes=59))
    client.post(confirmation_path(smtp))
    assert email_of(anna) == NEW


def test_tampered_or_truncated_link_is_explained(client, org, anna, smtp):
    ask(client, org)
    smtp.deliver()
    path = confirmation_path(smtp)
    for wrong in (path[:-5], path[:-1] + ("A" if path[-1] != "A" else "B")):
        response = client.post(wrong)
        assert response.status_code == 200 and "Deze link is niet (meer) geldig" in response.content.decode()
    assert email_of(anna) == OLD


def test_newer_request_or_password_change_makes_the_link_useless(client, org, anna, smtp):
    ask(client, org)
    smtp.deliver()
    first = confirmation_path(smtp)
    ask(client, org, email="anna.derde@example.nl")
    smtp.deliver()
    assert "niet (meer) geldig" in client.post(first).content.decode()
    second = confirmation_path(smtp, "anna.derde@example.nl")
    new_password = "een-ander-wachtwoord-voor-anna"
    client.post(f"/{org.slug}/settings/password", {"current_password": factories.PASSWORD,
                                                    "new_password": new_password, "confirm_password": new_password})
    assert "niet (meer) geldig" in client.post(second).content.decode()
    assert email_of(anna) == OLD


def test_wrong_password_is_refused_and_nothing_is_sent(client, org, anna, smtp):
    response = ask(client, org, password="niet-het-goede-wachtwoord")
    assert "Uw huidige wachtwoord klopt niet. Er is niets gewijzigd." in response.content.decode()
    assert smtp.deliver() == [] and not tokens.EmailToken.objects.exists()


@pytest.mark.parametrize("garbage", ["geen-adres", "a@", "@example.nl", "anna@@example.nl", "anna @example.nl"])
def test_garbage_address_gets_a_clear_message(client, org, anna, smtp, garbage):
    response = ask(client, org, email=garbage)
    assert "Dit is geen geldig e-mailadres" in response.content.decode()
    assert smtp.deliver() == []


def test_address_with_a_pasted_invisible_space_is_cleaned(client, org, anna, smtp):
    ask(client, org, email=f"\u200b {NEW}\u00a0")
    smtp.deliver()
    assert smtp.last_to(NEW)


def test_own_address_in_other_capitals_is_refused(client, org, anna, smtp):
    response = ask(client, org, email="Anna@Example.NL")
    assert "Dit is al uw e-mailadres." in response.content.decode()
    assert smtp.deliver() == []


def test_address_of_another_user_of_the_organisation_is_refused(client, org, anna, smtp):
    factories.user(org, username="bert", email="bert@example.nl")
    response = ask(client, org, email="BERT@example.nl")
    assert "Een ander account van uw organisatie gebruikt dit e-mailadres al" in response.content.decode()
    assert smtp.deliver() == [] and email_of(anna) == OLD


def test_taken_check_only_answers_after_the_password_is_proven(client, org, anna):
    factories.user(org, username="bert", email="bert@example.nl")
    response = ask(client, org, email="bert@example.nl", password="geraden-wachtwoord-van-anna")
    html = response.content.decode()
    assert "Uw huidige wachtwoord klopt niet" in html and "gebruikt dit e-mailadres al" not in html


def test_address_taken_meanwhile_is_refused_at_confirmation(client, org, anna, smtp):
    ask(client, org)
    smtp.deliver()
    factories.user(org, username="nieuwkomer", email=NEW)
    response = client.post(confirmation_path(smtp))
    assert "gebruikt dit e-mailadres inmiddels" in response.content.decode()
    assert email_of(anna) == OLD
    assert smtp.deliver() == []


def test_same_address_in_another_organisation_is_fine(client, org, anna, smtp):
    other = factories.organisation()
    factories.user(other, username="anna", email=NEW)
    assert ask(client, org).status_code == 302
    smtp.deliver()
    client.post(confirmation_path(smtp))
    assert email_of(anna) == NEW


def test_token_of_one_user_never_acts_on_another(client, org, anna, smtp):
    bert = factories.user(org, username="bert", email="bert@example.nl")
    ask(client, org)
    smtp.deliver()
    path = confirmation_path(smtp)
    berts_browser = Client()
    login(berts_browser, org, "bert")
    page = berts_browser.get(path).content.decode()
    assert "van account anna" in page  # says whose address it is
    berts_browser.post(path)
    assert email_of(bert) == "bert@example.nl" and email_of(anna) == NEW


def test_token_of_organisation_a_is_unknown_at_b(client, org, anna, smtp):
    bravo = factories.organisation("bravo")
    ask(client, org)
    smtp.deliver()
    path = confirmation_path(smtp).replace(f"/{org.slug}/", "/bravo/", 1)
    response = Client().post(path)
    assert "Deze link is niet (meer) geldig" in response.content.decode()
    assert email_of(anna) == OLD and bravo.users.count() == 0


def test_links_come_from_the_public_url_not_the_host_header(client, org, anna, smtp, settings):
    settings.PUBLIC_URL = "https://login.voorbeeld.test"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    ask(client, org, HTTP_HOST="evil.example")
    for mail in smtp.deliver():
        assert "evil.example" not in mail.text + mail.html
    [link] = smtp.last_to(NEW).links()
    assert link.startswith(f"https://login.voorbeeld.test/{org.slug}/settings/email/confirm/")


def test_mails_follow_the_persons_language(client, org, anna, smtp):
    anna.language = "en"
    anna.save(update_fields=["language"])
    ask(client, org)
    smtp.deliver()
    assert smtp.last_to(NEW).subject == f"Confirm your new e-mail address for {org.name}"
    assert smtp.last_to(OLD).subject == f"Change of your e-mail address for {org.name} requested"


def test_asking_again_and_again_for_one_address_is_throttled(client, org, anna, smtp, settings):
    settings.MAIL_PER_RECIPIENT_HOUR = 2
    for _ in range(2):
        assert ask(client, org).status_code == 302
    response = ask(client, org)
    assert response.status_code == 200 and "te veel e-mails naar dit adres" in response.content.decode()
    assert len(smtp.to(NEW)) == 0 and len(smtp.deliver()) == 4


def test_blocked_account_cannot_confirm_a_change_asked_for_earlier(client, org, anna, smtp):
    ask(client, org)
    smtp.deliver()
    User.objects.filter(pk=anna.pk).update(status="blocked")
    response = Client().post(confirmation_path(smtp))
    assert "Uw account is geblokkeerd" in response.content.decode() and email_of(anna) == OLD
