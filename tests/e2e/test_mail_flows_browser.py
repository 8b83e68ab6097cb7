"""Account life by e-mail in a real browser (Debian's Chromium through Playwright): from the
welcome e-mail to signed in, and from "Wachtwoord vergeten?" through the reset e-mail to
signing in with the new password. The mail is read the way a developer reads it: from the
development outbox (/_mail/messages.json), with no SMTP server configured."""

import re

import pytest
from django.db import transaction
from playwright.sync_api import expect

from poortwachter.accounts.services import create_user
from poortwachter.mail import delivery
from poortwachter.signin.activation import flow as activation

pytestmark = pytest.mark.browser

NEW = "zeven-blauwe-fietsen-in-de-regen"


@pytest.fixture
def mail_settings(settings, live_server):
    settings.DEMO_MODE = True
    settings.SMTP_HOST = ""
    settings.PUBLIC_URL = live_server.url  # the links in the e-mails lead to this server


def link_in_mail(page, to: str, containing: str) -> str:
    """Run the outbox worker once, then read the newest message to `to` from the development
    outbox and return its link that contains `containing`."""
    delivery.deliver_due()
    messages = page.request.get("/_mail/messages.json").json()["messages"]
    mine = [m for m in messages if m["to"] == to]
    assert mine, f"no mail to {to}"
    newest = max(mine, key=lambda m: m["id"])
    return next(link for link in re.findall(r"https?://\S+", newest["text_body"]) if containing in link)


def watch_for_problems(page) -> list[str]:
    """Console errors (e.g. a script refused by the Content Security Policy) and failed requests."""
    problems = []
    page.on("console", lambda m: m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            and problems.append(f"{m.text} {m.location.get('url', '')}"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    return problems


def test_activation_from_the_welcome_mail_to_signed_in(page, demo, mail_settings, artifacts):
    with transaction.atomic():
        user = create_user(demo, "nieuwkomer@demo.poortwachter.test", username="nieuwkomer",
                           name="Nina Nieuwkomer", roles=["medewerker"])
        activation.send_welcome(user)
    link = link_in_mail(page, "nieuwkomer@demo.poortwachter.test", "/activate/")
    problems = watch_for_problems(page)

    page.goto(link)
    # The token left the address bar before the form was shown.
    expect(page).to_have_url(re.compile(r"/demo/activate$"))
    expect(page.get_by_role("heading", level=1, name="Activeer uw account")).to_be_visible()

    # The strength meter (our own script, allowed by the CSP) follows the typing.
    password = page.get_by_label("Nieuw wachtwoord")
    strength = page.locator("#password-strength [data-strength-label]")
    password.fill("kort")
    expect(strength).to_have_text("zwak")
    password.fill("nieuwkomer12345678")
    expect(strength).to_have_text("zwak")  # the username plus a sequence: easy to guess
    password.fill(NEW)
    expect(strength).to_have_text("sterk")
    page.get_by_label("Wachtwoord bevestigen").fill(NEW)
    page.screenshot(path=str(artifacts / "activation-choose-password.png"), full_page=True)
    page.get_by_role("button", name="Account activeren").click()

    expect(page).to_have_url(re.compile(r"/demo/dashboard$"))
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("button", name="Afmelden")).to_be_visible()
    assert problems == []

    # The link has done its work: opened again it says the account is already active.
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="Uw account is al actief")).to_be_visible()


def test_server_explains_a_refused_password_without_javascript(browser, live_server, demo, mail_settings):
    with transaction.atomic():
        user = create_user(demo, "zonderjs@demo.poortwachter.test", roles=["medewerker"])
        activation.send_welcome(user)
    context = browser.new_context(locale="nl-NL", base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(link_in_mail(page, "zonderjs@demo.poortwachter.test", "/activate/"))
        expect(page.locator("#password-strength")).to_be_hidden()  # the meter needs the script
        page.get_by_label("Nieuw wachtwoord").fill("kort")
        page.get_by_label("Wachtwoord bevestigen").fill("kort")
        page.get_by_role("button", name="Account activeren").click()
        expect(page.get_by_role("alert")).to_contain_text("Het wachtwoord is te kort: gebruik minstens 15 tekens.")
    finally:
        context.close()


def test_reset_from_the_mail_to_signing_in_with_the_new_password(page, demo, mail_settings, artifacts):
    problems = watch_for_problems(page)
    page.goto("/demo/login")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(page.get_by_role("heading", level=1, name="Wachtwoord vergeten?")).to_be_visible()
    page.get_by_label("E-mailadres of gebruikersnaam").fill("medewerker")
    page.get_by_role("button", name="Link versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Als er een account bij dit e-mailadres")

    page.goto(link_in_mail(page, "medewerker@demo.poortwachter.test", "/password/reset/"))
    expect(page).to_have_url(re.compile(r"/demo/password/reset$"))
    expect(page.get_by_role("heading", level=1, name="Kies een nieuw wachtwoord")).to_be_visible()
    page.get_by_label("Nieuw wachtwoord").fill(NEW)
    page.get_by_label("Wachtwoord bevestigen").fill(NEW)
    page.screenshot(path=str(artifacts / "password-reset-choose-password.png"), full_page=True)
    page.get_by_role("button", name="Wachtwoord opslaan").click()

    expect(page).to_have_url(re.compile(r"/demo/login\?password_changed=1$"))
    page.get_by_label("E-mailadres of gebruikersnaam").fill("medewerker")
    page.get_by_label("Wachtwoord", exact=True).fill(NEW)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(re.compile(r"/demo/dashboard$"))
    assert problems == []
