"""Changing one's own password in personal settings: current, new, confirm. Other
sessions end, this one stays, a mail tells the person, the audit log records it."""

import pytest
from django.conf import settings
from django.test import Client

from poortwachter.accounts import tokens
from poortwachter.accounts.models import User
from poortwachter.security.audit import AuditEvent, Event
from tests import factories
from tests.mailbox import path_of
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db

NEW = "groene-fiets-in-de-regen-2026"


@pytest.fixture
def anna(client, org):
    user = factories.user(org, username="anna", email="anna@example.nl")
    assert login(client, org, "anna").status_code == 302
    return user


def change(client, org, current=factories.PASSWORD, new=NEW, confirm=None):
    return client.post(f"/{org.slug}/settings/password", {
        "current_password": current, "new_password": new,
        "confirm_password": new if confirm is None else confirm})


def password_is(user, password) -> bool:
    return User.objects.get(pk=user.pk).check_password(password)


def test_page_asks_for_current_new_and_confirmation_in_dutch(client, org, anna):
    html = client.get(f"/{org.slug}/settings/password").content.decode()
    assert "<h1>Wachtwoord wijzigen</h1>" in html
    assert '<label for="id_current_password">Huidig wachtwoord</label>' in html
    assert '<label for="id_new_password">Nieuw wachtwoord</label>' in html
    assert '<label for="id_confirm_password">Wachtwoord bevestigen</label>' in html
    assert html.index("id_current_password") < html.index("id_new_password") < html.index("id_confirm_password")
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html


def test_wrong_current_password_is_refused_and_nothing_changes(client, org, anna, smtp):
    response = change(client, org, current="niet-het-goede-wachtwoord")
    assert response.status_code == 200
    assert "Uw huidige wachtwoord klopt niet. Er is niets gewijzigd." in response.content.decode()
    assert password_is(anna, factories.PASSWORD) and not password_is(anna, NEW)
    assert smtp.deliver() == []
    assert not AuditEvent.objects.filter(type=Event.PASSWORD_CHANGED).exists()


def test_weak_new_password_is_refused_with_a_dutch_reason(client, org, anna):
    response = change(client, org, new="kort")
    assert "Het wachtwoord is te kort: gebruik minstens 15 tekens." in response.content.decode()
    response = change(client, org, new="wachtwoordwachtwoord")
    assert "veelgebruikte wachtwoorden" in response.content.decode()
    assert password_is(anna, factories.PASSWORD)


def test_new_password_must_differ_from_the_current_one(client, org, anna):
    response = change(client, org, new=factories.PASSWORD)
    assert "moet anders zijn dan uw huidige wachtwoord" in response.content.decode()


def test_confirmation_that_differs_is_refused(client, org, anna):
    response = change(client, org, confirm=NEW + "!")
    assert "De twee wachtwoorden zijn niet gelijk." in response.content.decode()
    assert password_is(anna, factories.PASSWORD)


def test_success_keeps_this_session_ends_the_others_and_mails_the_person(client, org, anna, smtp):
    other = Client()
    assert login(other, org, "anna").status_code == 302
    assert other.get(f"/{org.slug}/").status_code == 200
    key_before = client.session.session_key

    response = change(client, org)
    assert response.status_code == 302 and response["Location"] == f"/{org.slug}/settings/?done=password"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Uw wachtwoord is gewijzigd. Hier bent u nog aangemeld" in page.content.decode()
    assert client.session.session_key != key_before  # rotated, still signed in
    assert client.get(f"/{org.slug}/dashboard").status_code == 200

    response = other.get(f"/{org.slug}/dashboard")
    assert response.status_code == 302 and response["Location"].startswith(f"/{org.slug}/login")

    [mail] = smtp.deliver()
    assert mail.to == ["anna@example.nl"]
    assert mail.subject == f"Uw wachtwoord voor {org.name} is gewijzigd"
    assert "via uw persoonlijke instellingen" in mail.text
    [link] = mail.links()
    assert link == f"{settings.PUBLIC_URL}/{org.slug}/password/forgot"
    assert path_of(link, settings.PUBLIC_URL) == f"/{org.slug}/password/forgot"
    event = AuditEvent.objects.get(type=Event.PASSWORD_CHANGED)
    assert (event.actor_id, event.subject_id, event.reason) == (anna.pk, anna.pk, "personal")


def test_after_the_change_only_the_new_password_signs_in(client, org, anna):
    assert change(client, org).status_code == 302
    fresh = Client()
    response = login(fresh, org, "anna", factories.PASSWORD)
    assert response.status_code == 200 and "horen niet bij elkaar" in response.content.decode()
    assert login(fresh, org, "anna", NEW).status_code == 302


def test_mail_is_in_english_for_a_person_who_chose_english(client, org, anna, smtp):
    anna.language = "en"
    anna.save(update_fields=["language"])
    change(client, org)
    [mail] = smtp.deliver()
    assert mail.subject == f"Your password for {org.name} was changed"


def test_change_kills_outstanding_email_links(client, org, anna):
    from datetime import timedelta

    raw = tokens.issue(anna, tokens.Purpose.PASSWORD_RESET, timedelta(hours=1))
    change(client, org)
    assert tokens.check(raw, tokens.Purpose.PASSWORD_RESET, org).state == tokens.State.UNKNOWN


def test_double_submission_changes_once_and_explains_the_second(client, org, anna, smtp):
    assert change(client, org).status_code == 302
    again = change(client, org)
    assert again.status_code == 200 and "Uw huidige wachtwoord klopt niet" in again.content.decode()
    assert password_is(anna, NEW) and len(smtp.deliver()) == 1
