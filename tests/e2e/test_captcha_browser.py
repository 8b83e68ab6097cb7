"""The CAPTCHA in a real browser: after three wrong passwords the login page shows the
ALTCHA widget (served from our own static files), Chromium solves the proof of work in a
Web Worker under our Content Security Policy, and the right password then signs in. Nothing
on the page may be refused by the CSP or fail to load."""

import base64
import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.test_login_browser import LOGIN, PASSWORDS, sign_in

pytestmark = pytest.mark.browser

# Records what the Content Security Policy refused (Playwright's init scripts are not
# subject to the page's CSP).
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def watch_for_problems(page) -> list:
    problems = []
    page.add_init_script(RECORD_CSP_VIOLATIONS)

    def on_console(message):
        url = message.location.get("url", "")
        if message.type == "error" and not url.endswith("/favicon.ico"):
            problems.append(f"console: {message.text} {url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    # Wrong passwords answer 200 with the form again; anything else >= 400 is a problem.
    page.on("response", lambda response: response.status >= 400 and problems.append(
        f"{response.status} {response.url}"))
    return problems


def test_after_three_wrong_passwords_chromium_solves_the_captcha_and_the_right_password_signs_in(
        page, artifacts):
    problems = watch_for_problems(page)
    page.goto(LOGIN)
    expect(page.locator("altcha-widget")).to_have_count(0)  # no check before any failure

    fail_three_times(page)
    shown = time.monotonic()

    check = page.get_by_role("group", name="Beveiligingscontrole")
    expect(check).to_be_visible()
    expect(check.locator("altcha-widget")).to_have_attribute("language", "nl")
    # The widget solves on its own (no tick needed); its texts are ours, in Dutch, and the
    # status line tells a screen reader when it is done.
    verified = page.get_by_role("checkbox", name="Controle gelukt")
    expect(verified).to_be_checked(timeout=30_000)
    solved_after = time.monotonic() - shown
    expect(page.locator("#captcha-status")).to_have_text("Controle gelukt")
    expect(verified).to_have_attribute("aria-describedby", "captcha-help")
    page.screenshot(path=str(artifacts / "login-captcha-solved.png"), full_page=True)

    answer = page.locator('altcha-widget input[type="hidden"][name="altcha"]').input_value()
    solution = json.loads(base64.b64decode(answer))["solution"]
    print(f"\nCAPTCHA solved by Chromium: counter {solution['counter']}, "
          f"{solution['time']:.0f} ms of work, shown-to-verified {solved_after:.2f} s")

    sign_in(page, "medewerker", PASSWORDS["medewerker"])
    expect(page).to_have_url(re.compile(r"/demo/dashboard$"))
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()

    assert page.evaluate("window.__cspViolations") == []
    assert problems == []


def test_widget_speaks_english_on_an_english_page(page):
    problems = watch_for_problems(page)
    page.goto(LOGIN + "?lang=en")
    for _ in range(3):
        page.get_by_label("E-mail address or username").fill("medewerker")
        page.get_by_label("Password", exact=True).fill("this-is-not-the-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_be_visible()

    expect(page.get_by_role("group", name="Security check")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Check done")).to_be_checked(timeout=30_000)
    assert page.evaluate("window.__cspViolations") == []
    assert problems == []



def fail_three_times(page):
    for _ in range(3):
        sign_in(page, "medewerker", "dit-is-niet-het-wachtwoord")
        expect(page.get_by_role("alert")).to_be_visible()


def test_quick_submit_while_the_check_runs_waits_for_it_and_signs_in(page):
    problems = watch_for_problems(page)
    page.goto(LOGIN)
    fail_three_times(page)
    # At once, without waiting for the check: the form waits for the answer, then goes.
    sign_in(page, "medewerker", PASSWORDS["medewerker"])
    expect(page).to_have_url(re.compile(r"/demo/dashboard$"), timeout=30_000)
    assert problems == []

