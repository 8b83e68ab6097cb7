"""The console in a real browser (Debian's Chromium through Playwright): the administrator
signs in, accepts the terms of service, creates a user; the user activates from the welcome
e-mail and signs in; the administrator blocks them and they see the reason. In English
(the console's Dutch arrives with the translations), mail read from the development outbox."""

import re

import pytest
from playwright.sync_api import expect

from poortwachter.operators.models import TermsVersion
from poortwachter.tenants.demo import ACCOUNTS
from tests.e2e.test_mail_flows_browser import link_in_mail, mail_settings, watch_for_problems  # noqa: F401

pytestmark = pytest.mark.browser

ADMIN_PASSWORD = next(password for username, _e, _n, _r, password in ACCOUNTS if username == "beheerder")
NEW = "oranje-tulpen-langs-de-gracht"


def english(browser, live_server):
    context = browser.new_context(locale="en-GB", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context


def sign_in(page, identifier, password):
    page.get_by_label("E-mail address or username").fill(identifier)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_admin_creates_a_user_who_activates_and_is_then_blocked(browser, live_server, demo, mail_settings, artifacts):
    TermsVersion.objects.update_or_create(version=99, defaults={"text": "Terms of service, version 99.\n\nBe nice."})
    admin_context, user_context = english(browser, live_server), english(browser, live_server)
    try:
        admin = admin_context.new_page()
        problems = watch_for_problems(admin)
        admin.goto("/demo/console/users/")
        sign_in(admin, "beheerder", ADMIN_PASSWORD)

        # First entry: the terms of service, then on to where the admin was going.
        expect(admin.get_by_role("heading", level=1, name="Terms of service")).to_be_visible()
        expect(admin.get_by_text("Terms of service, version 99.")).to_be_visible()
        admin.get_by_label("I have read the terms of service and accept them").check()
        admin.get_by_role("button", name="Accept").click()
        expect(admin).to_have_url(re.compile(r"/demo/console/users/$"))

        admin.get_by_role("link", name="New user").click()
        admin.get_by_label("E-mail address", exact=True).fill("nieuwe.collega@demo.poortwachter.test")
        admin.get_by_label("Name", exact=True).fill("Nieuwe Collega")
        admin.get_by_label("Username", exact=True).fill("collega")
        admin.get_by_label("medewerker").check()
        admin.screenshot(path=str(artifacts / "console-new-user.png"), full_page=True)
        admin.get_by_role("button", name="Create user and send welcome e-mail").click()
        expect(admin.get_by_role("status")).to_contain_text("welcome e-mail has been sent")
        user_page_url = admin.url

        # The new user activates from the welcome e-mail and is signed in.
        person = user_context.new_page()
        person.goto(link_in_mail(person, "nieuwe.collega@demo.poortwachter.test", "/activate/"))
        person.get_by_label("New password").fill(NEW)
        person.get_by_label("Confirm password").fill(NEW)
        person.get_by_role("button", name="Activate account").click()
        expect(person).to_have_url(re.compile(r"/demo/dashboard$"))

        # The admin blocks them with a reason; their session ends.
        admin.goto(user_page_url)
        expect(admin.locator("#status")).to_contain_text("active")
        admin.get_by_label("Reason (shown to the user when they try to sign in)").fill("Your contract has ended.")
        admin.get_by_role("button", name="Block and revoke access").click()
        expect(admin.get_by_role("status")).to_contain_text("blocked")
        admin.screenshot(path=str(artifacts / "console-user-blocked.png"), full_page=True)

        person.goto("/demo/dashboard")
        expect(person).to_have_url(re.compile(r"/demo/login"))
        sign_in(person, "collega", NEW)
        alert = person.get_by_role("alert")
        expect(alert).to_contain_text("Your account has been blocked by an administrator")
        expect(alert).to_contain_text("Reason: Your contract has ended.")
        assert problems == []
    finally:
        admin_context.close()
        user_context.close()
