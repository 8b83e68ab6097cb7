"""Passkeys in a real browser: Chromium's virtual authenticator (DevTools protocol, a
platform passkey that verifies the person) registers a passkey in the settings, proves the
second step after the password, signs in without a password, and re-authenticates.

WebAuthn needs a secure context and an RP ID that is a name, not an IP address: the live
server answers on http://localhost:<port>, and the public URL is set to exactly that (the
relying party comes from the public URL, never from the Host header)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from poortwachter import clock
from poortwachter.methods.models import Authenticator, Kind
from poortwachter.tenants.demo import ACCOUNTS

pytestmark = pytest.mark.browser

PASSWORDS = {username: password for username, _email, _name, _role, password in ACCOUNTS}


@pytest.fixture
def english(browser, live_server, demo, settings):
    assert live_server.url.startswith("http://localhost:")
    settings.PUBLIC_URL = live_server.url
    context = browser.new_context(locale="en-GB", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    yield page
    context.close()
    clock.reset()


def sign_in(page, identifier, password):
    page.goto("/demo/login?lang=en")
    page.get_by_label("E-mail address or username").fill(identifier)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_out(page):
    page.goto("/demo/logout")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/demo/login\?signed_out=1$"))


def test_register_a_passkey_then_use_it_as_second_step_alone_and_to_confirm(english, artifacts):
    page = english
    sign_in(page, "medewerker", PASSWORDS["medewerker"])
    expect(page).to_have_url(re.compile(r"/demo/dashboard$"))

    page.goto("/demo/settings/second-step")
    page.get_by_label("Name of the passkey (optional)").fill("Virtuele sleutel")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="Back to two-step verification").click()
    expect(page.locator("#authenticators")).to_contain_text("Passkey (Virtuele sleutel)")
    assert Authenticator.objects.filter(user__username="medewerker", kind=Kind.PASSKEY).count() == 1

    sign_out(page)
    sign_in(page, "medewerker", PASSWORDS["medewerker"])
    expect(page).to_have_url(re.compile(r"/demo/login/second-step$"))
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(re.compile(r"/demo/dashboard$"))

    sign_out(page)
    page.goto("/demo/login?lang=en")
    page.screenshot(path=str(artifacts / "passkey-login.png"))
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(re.compile(r"/demo/dashboard$"))

    # Six minutes later a change asks for a fresh proof: the passkey gives it.
    clock.advance(timedelta(minutes=6))
    page.goto("/demo/settings/second-step/add?lang=en")
    expect(page).to_have_url(re.compile(r"/demo/reauth\?"))
    page.get_by_role("button", name="Confirm with a passkey").click()
    expect(page).to_have_url(re.compile(r"/demo/settings/second-step/add\?lang=en$"))
    expect(page.get_by_role("heading", name="Set up two-step verification")).to_be_visible()


def test_a_cancelled_passkey_shows_a_clear_message(english):
    page = english
    page.goto("/demo/login?lang=en")
    # The virtual authenticator holds no passkey for this site: the browser reports NotAllowedError.
    page.get_by_role("button", name="Use a passkey").click()
    expect(page.locator("#login-passkey [role=alert]")).to_contain_text("The passkey was not used")
    expect(page).to_have_url(re.compile(r"/demo/login\?lang=en$"))
