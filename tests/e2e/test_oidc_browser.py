"""The demo app in a real browser: it sends Chromium to the provider's login page, the
person signs in with their password and a code from their authenticator app, the app
shows the ID token's claims, and signing out from the app (RP-initiated logout) ends the
session at Poortwachter too."""

import json
import re

import pytest
from playwright.sync_api import expect

from poortwachter.accounts.models import User
from poortwachter.oidc import demo_app, keys
from poortwachter.tenants.demo import ACCOUNTS
from tests.second_step import code_now, set_up_app

pytestmark = pytest.mark.browser

PASSWORDS = {username: password for username, _email, _name, _role, password in ACCOUNTS}


@pytest.fixture
def english(browser, live_server, demo, settings):
    settings.PUBLIC_URL = live_server.url  # the issuer and the demo app's addresses
    settings.DEMO_MODE = True
    keys.forget()
    demo_app.register(demo)
    context = browser.new_context(locale="en-GB", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def test_demo_app_round_trip_with_a_second_step_and_logout(english, demo, artifacts):
    page = english
    secret = set_up_app(User.objects.get(organisation=demo, username="medewerker"))
    page.goto("/_demo-app/?lang=en")
    page.get_by_role("link", name="Sign in with Poortwachter").click()
    expect(page).to_have_url(re.compile(r"/demo/login\?"))
    page.get_by_label("E-mail address or username").fill("medewerker")
    page.get_by_label("Password", exact=True).fill(PASSWORDS["medewerker"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/demo/login/second-step$"))
    page.get_by_label("Code from your authenticator app").fill(code_now(secret))
    page.get_by_role("button", name="Confirm").first.click()

    expect(page).to_have_url(re.compile(r"/_demo-app/$"))
    claims = json.loads(page.locator("#claims").inner_text())
    assert claims["email"] == "medewerker@demo.poortwachter.test" and claims["roles"] == ["medewerker"]
    assert {"pwd", "otp"} <= set(claims["amr"]) and claims["acr"] and claims["sid"] and claims["auth_time"]
    assert claims["iss"] == f"{page.url.split('/_demo-app/')[0]}/demo"
    page.screenshot(path=str(artifacts / "demo-app-claims.png"))

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/_demo-app/$"))
    expect(page.get_by_role("link", name="Sign in with Poortwachter")).to_be_visible()
    page.goto("/demo/dashboard")
    expect(page).to_have_url(re.compile(r"/demo/login\?"))
