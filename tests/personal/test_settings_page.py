"""The personal settings overview ("Persoonlijke instellingen") and what every settings
page shares: sign-in required, own organisation only, CSRF, English, over-long input."""

from contextlib import contextmanager

import pytest
from django.test import Client

from poortwachter.accounts import passwords
from poortwachter.accounts.models import User
from poortwachter.mail.models import OutboxMessage
from tests import factories
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db

PAGES = ("settings/", "settings/password", "settings/email")


@pytest.fixture
def anna(client, org):
    user = factories.user(org, username="anna", email="anna@example.nl", name="Anna de Boer")
    assert login(client, org, "anna").status_code == 302
    return user


@pytest.mark.parametrize("page", PAGES)
def test_settings_pages_send_strangers_to_the_login_page_and_back(client, org, page):
    response = client.get(f"/{org.slug}/{page}")
    assert response.status_code == 302
    assert response["Location"] == f"/{org.slug}/login?next=%2F{org.slug}%2F{page.replace('/', '%2F')}"


def test_posting_without_sign_in_changes_nothing(client, org):
    user = factories.user(org, username="bert")
    response = client.post(f"/{org.slug}/settings/password", {
        "current_password": factories.PASSWORD, "new_password": "een-nieuw-wachtwoord-voor-bert",
        "confirm_password": "een-nieuw-wachtwoord-voor-bert"})
    assert response.status_code == 302 and "/login?next=" in response["Location"]
    user.refresh_from_db()
    assert user.check_password(factories.PASSWORD)


def test_overview_shows_name_username_address_and_the_two_sections(client, org, anna):
    html = client.get(f"/{org.slug}/settings/").content.decode()
    assert "<h1>Persoonlijke instellingen</h1>" in html
    for shown in ("Anna de Boer", "anna", "anna@example.nl"):
        assert shown in html
    assert f'href="/{org.slug}/settings/password">Wachtwoord wijzigen</a>' in html
    assert f'href="/{org.slug}/settings/email">E-mailadres wijzigen</a>' in html


def test_signed_in_navigation_links_to_personal_settings(client, org, anna):
    html = client.get(f"/{org.slug}/").content.decode()
    assert f'href="/{org.slug}/settings/">Persoonlijke instellingen</a>' in html
    assert f'action="/{org.slug}/logout"' in html  # sign-out form still there


def test_settings_pages_are_complete_in_english(client, org, anna):
    html = client.get(f"/{org.slug}/settings/?lang=en").content.decode()
    assert "<h1>Personal settings</h1>" in html and "Change password" in html
    html = client.get(f"/{org.slug}/settings/password").content.decode()
    assert '<label for="id_current_password">Current password</label>' in html
    assert '<label for="id_confirm_password">Confirm password</label>' in html
    html = client.get(f"/{org.slug}/settings/email").content.decode()
    assert '<label for="id_email">New e-mail address</label>' in html


def test_user_of_a_cannot_use_the_settings_pages_of_b(client, anna):
    bravo = factories.organisation("bravo", "Bravo B.V.")
    for page in PAGES:
        response = client.get(f"/bravo/{page}")
        assert response.status_code == 302 and response["Location"].startswith("/bravo/login")
    response = client.post("/bravo/settings/email", {"email": "nieuw@example.nl",
                                                     "current_password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/bravo/login")
    assert not OutboxMessage.objects.exists()
    assert bravo.users.count() == 0


def test_forged_post_without_csrf_token_is_refused(client, org, anna):
    forger = Client(enforce_csrf_checks=True)
    forger.cookies = client.cookies  # a signed-in browser, but the form comes from elsewhere
    new = "overgenomen-wachtwoord-van-anna"
    response = forger.post(f"/{org.slug}/settings/password", {
        "current_password": factories.PASSWORD, "new_password": new, "confirm_password": new})
    assert response.status_code == 403 and "Er is niets gewijzigd" in response.content.decode()
    response = forger.post(f"/{org.slug}/settings/email", {
        "email": "aanvaller@example.nl", "current_password": factories.PASSWORD})
    assert response.status_code == 403
    anna.refresh_from_db()
    assert anna.check_password(factories.PASSWORD) and anna.email == "anna@example.nl"
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("page,field", [("password", "current_password"), ("password", "new_password"),
                                        ("email", "email"), ("email", "current_password")])
def test_ten_thousand_characters_get_a_clear_message(client, org, anna, page, field):
    data = {"current_password": factories.PASSWORD, "new_password": "x", "confirm_password": "x",
            "email": "ander@example.nl", field: "a" * 10_000}
    response = client.post(f"/{org.slug}/settings/{page}", data)
    assert response.status_code == 200
    assert "Dit is te lang" in response.content.decode()
    user = User.objects.get(pk=anna.pk)
    assert user.check_password(factories.PASSWORD) and user.email == "anna@example.nl"
    assert not OutboxMessage.objects.exists()


def test_ten_thousand_character_confirmation_link_is_explained(client, org):
    response = client.get(f"/{org.slug}/settings/email/confirm/{'a' * 10_000}")
    assert response.status_code == 200 and "Deze link is niet (meer) geldig" in response.content.decode()
    response = client.post(f"/{org.slug}/settings/email/confirm/{'a' * 10_000}")
    assert response.status_code == 200 and "Deze link is niet (meer) geldig" in response.content.decode()


@contextmanager
def every_hash_slot_taken(settings):
    settings.HASH_WAIT_SECONDS = 0.05
    taken = 0
    while passwords._slots.acquire(blocking=False):
        taken += 1
    try:
        yield
    finally:
        for _ in range(taken):
            passwords._slots.release()


@pytest.mark.parametrize("page", ["password", "email"])
def test_busy_hashing_gives_a_try_again_page_and_changes_nothing(client, org, anna, settings, page):
    data = {"current_password": factories.PASSWORD, "new_password": "groene-fiets-in-de-regen-2026",
            "confirm_password": "groene-fiets-in-de-regen-2026", "email": "nieuw@example.nl"}
    with every_hash_slot_taken(settings):
        response = client.post(f"/{org.slug}/settings/{page}", data)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "erg druk" in response.content.decode()
    user = User.objects.get(pk=anna.pk)
    assert user.check_password(factories.PASSWORD) and user.email == "anna@example.nl"
    assert not OutboxMessage.objects.exists()
