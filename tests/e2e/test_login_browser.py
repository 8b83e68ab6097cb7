"""Signing in with a real browser: Debian's Chromium, driven by Playwright, against the live
server with the demo organisation. Elements are found by their role and their label, the way
a screen reader finds them, so these tests also prove that the labels are wired up."""

import re

import pytest
from playwright.sync_api import expect

from poortwachter.tenants.demo import ACCOUNTS

pytestmark = pytest.mark.browser

PASSWORDS = {username: password for username, _email, _name, _role, password in ACCOUNTS}
EMAILS = {username: email for username, email, _name, _role, _password in ACCOUNTS}
NAMES = {username: name for username, _email, name, _role, _password in ACCOUNTS}

LOGIN = "/demo/login"
AT_LOGIN = re.compile(r"/demo/login(\?.*)?$")


def sign_in(page, identifier, password):
    page.get_by_label("E-mailadres of gebruikersnaam").fill(identifier)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Aanmelden").click()


def test_login_page_in_dutch_and_screenshot(page, artifacts):
    """The login page is Dutch by default, its stylesheet loads and nothing is refused by
    the Content Security Policy; a screenshot is kept as an artifact."""
    problems = []

    def on_console(message):
        url = message.location.get("url", "")
        # The browser asks for /favicon.ico on its own; the page does not link one.
        if message.type == "error" and not url.endswith("/favicon.ico"):
            problems.append(f"{message.text} {url}")

    page.on("console", on_console)
    page.on("response", lambda response: response.status >= 400 and problems.append(
        f"{response.status} {response.url}"))

    response = page.goto(LOGIN)
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1, name="Aanmelden")).to_be_visible()
    expect(page.get_by_label("E-mailadres of gebruikersnaam")).to_be_visible()
    expect(page.get_by_label("Wachtwoord", exact=True)).to_have_attribute("type", "password")
    expect(page.get_by_role("link", name="Wachtwoord vergeten?")).to_be_visible()
    expect(page.get_by_role("link", name="Gebruikersnaam vergeten?")).to_be_visible()
    # The stylesheet really applied (WhiteNoise served it, CSP allowed it).
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 0

    page.screenshot(path=str(artifacts / "login-page.png"), full_page=True)
    assert problems == []


def test_medewerker_signs_in_with_username_and_out(page, artifacts):
    page.goto(LOGIN)
    sign_in(page, "medewerker", PASSWORDS["medewerker"])

    expect(page).to_have_url(re.compile(r"/demo/dashboard$"))
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    page.screenshot(path=str(artifacts / "dashboard-medewerker.png"), full_page=True)

    page.get_by_role("navigation").get_by_role("button", name="Afmelden").click()

    expect(page).to_have_url(AT_LOGIN)
    expect(page.get_by_role("heading", level=1, name="Aanmelden")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("U bent afgemeld.")

    # The session is gone: the dashboard sends them back to the login page.
    page.goto("/demo/dashboard")
    expect(page).to_have_url(re.compile(r"/demo/login\?next=%2Fdemo%2Fdashboard$"))
    expect(page.get_by_role("heading", level=1, name="Aanmelden")).to_be_visible()


def test_beheerder_signs_in_with_email_and_lands_on_start_page(page):
    page.goto(LOGIN)
    sign_in(page, EMAILS["beheerder"], PASSWORDS["beheerder"])

    expect(page).to_have_url(re.compile(r"/demo/$"))
    expect(page.get_by_role("heading", level=1, name=f"Welkom, {NAMES['beheerder']}")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("button", name="Afmelden")).to_be_visible()


def test_wrong_password_shows_generic_error_and_stays(page, artifacts):
    page.goto(LOGIN)
    sign_in(page, "medewerker", "dit-is-niet-het-wachtwoord")

    expect(page).to_have_url(AT_LOGIN)
    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_have_text(
        "Het e-mailadres of de gebruikersnaam en het wachtwoord horen niet bij elkaar. "
        "Controleer beide en probeer het opnieuw.")
    expect(page.get_by_role("heading", level=1, name="Aanmelden")).to_be_visible()
    # The typed identifier is kept, the password is not sent back.
    expect(page.get_by_label("E-mailadres of gebruikersnaam")).to_have_value("medewerker")
    expect(page.get_by_label("Wachtwoord", exact=True)).to_have_value("")
    page.screenshot(path=str(artifacts / "login-page-error.png"), full_page=True)


def test_language_switch_shows_english_login_page(page):
    page.goto(LOGIN)
    page.get_by_role("link", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_label("E-mail address or username")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    # And back: the switch offers Dutch now.
    expect(page.get_by_role("link", name="Nederlands")).to_be_visible()
