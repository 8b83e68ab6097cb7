"""The authenticator app in a real browser: set it up by reading the key from the page (no
camera needed), computing the code as a phone would (pyotp), sign out, and sign in again with
the password and a code."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from poortwachter.tenants.demo import ACCOUNTS

pytestmark = pytest.mark.browser

PASSWORDS = {username: password for username, _email, _name, _role, password in ACCOUNTS}


@pytest.fixture
def english(browser, live_server, demo):
    context = browser.new_context(locale="en-GB", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, identifier, password):
    page.goto("/demo/login?lang=en")
    page.get_by_label("E-mail address or username").fill(identifier)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def code(secret: str, steps: int = 0) -> str:
    return pyotp.HOTP(secret).at(int(time.time()) // 30 + steps)


def test_set_up_the_app_sign_out_and_sign_in_with_a_code(english, artifacts):
    page = english
    sign_in(page, "medewerker", PASSWORDS["medewerker"])
    expect(page).to_have_url(re.compile(r"/demo/dashboard$"))
    page.goto("/demo/settings/second-step")
    expect(page.locator("#second-step-off")).to_be_visible()
    page.get_by_role("link", name="Add a way to prove it is you").click()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    expect(page.get_by_role("img", name="QR code with the key for your authenticator app")).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill(code(secret))
    page.get_by_role("button", name="Confirm and switch on").click()
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    page.screenshot(path=str(artifacts / "recovery-codes.png"))
    page.get_by_role("link", name="Back to two-step verification").click()
    expect(page.locator("#authenticators")).to_contain_text("Authenticator app")

    page.goto("/demo/logout")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "medewerker", PASSWORDS["medewerker"])
    expect(page).to_have_url(re.compile(r"/demo/login/second-step$"))
    page.get_by_label("Code from your authenticator app").fill("000000" if code(secret, 1) != "000000" else "111111")
    page.get_by_role("button", name="Confirm").first.click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.get_by_label("Code from your authenticator app").fill(code(secret, 1))  # the set-up code was used
    page.get_by_role("button", name="Confirm").first.click()
    expect(page).to_have_url(re.compile(r"/demo/dashboard$"))
