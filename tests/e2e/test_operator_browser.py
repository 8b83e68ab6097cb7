"""The operator console in a real browser (Debian's Chromium through Playwright): the
operator signs in, creates an organisation with its first administrator, the administrator
activates the account from the welcome e-mail, the operator blocks the organisation for
payment arrears with a message of its own, and the administrator reads that message after
typing the right password. Pages in English (the browser's language), so the test does
not depend on translations merged later."""

import re

import pytest
from playwright.sync_api import expect

from poortwachter.operators.accounts import create_operator
from tests.e2e.test_mail_flows_browser import link_in_mail, watch_for_problems

pytestmark = pytest.mark.browser

OPERATOR_PASSWORD = "blauwe-vuurtoren-op-de-dijk"
ADMIN_PASSWORD = "zeven-blauwe-fietsen-in-de-regen"
MESSAGE = "Uw factuur van maart staat nog open. Bel 020-1234567."


@pytest.fixture
def english_context(browser, live_server, transactional_db, settings):
    from django.core.cache import cache

    cache.clear()  # the live server's thread shares the database cache, not the test's key prefix
    settings.DEMO_MODE, settings.SMTP_HOST, settings.PUBLIC_URL = True, "", live_server.url
    contexts = []

    def new_page():
        context = browser.new_context(locale="en-GB", base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def test_operator_creates_and_blocks_an_organisation_whose_admin_then_reads_the_message(english_context, artifacts):
    create_operator("beheer", OPERATOR_PASSWORD)
    operator = english_context()
    problems = watch_for_problems(operator)

    operator.goto("/_operator/")
    expect(operator).to_have_url(re.compile(r"/_operator/login\?next=%2F_operator%2F$"))
    operator.get_by_label("Operator name").fill("beheer")
    operator.get_by_label("Password").fill(OPERATOR_PASSWORD)
    operator.get_by_role("button", name="Sign in").click()
    expect(operator.get_by_role("heading", level=1, name="Organisations")).to_be_visible()

    operator.get_by_role("link", name="New organisation").click()
    operator.get_by_label("Short name (in the address)").fill("zonnig")
    operator.get_by_label("Name", exact=True).fill("Zonnig BV")
    operator.get_by_label("E-mail address of the first administrator (optional)").fill("eigenaar@zonnig.test")
    operator.get_by_label("Name of the first administrator (optional)").fill("Eva Eigenaar")
    operator.get_by_role("button", name="Create organisation").click()
    expect(operator.get_by_role("status")).to_have_text("Organisation zonnig was created.")
    expect(operator.locator("#organisation-zonnig")).to_contain_text("Zonnig BV")

    # The first administrator activates the account from the welcome e-mail.
    admin = english_context()
    admin.goto(link_in_mail(admin, "eigenaar@zonnig.test", "/activate/"))
    admin.get_by_label("New password").fill(ADMIN_PASSWORD)
    admin.get_by_label("Confirm password").fill(ADMIN_PASSWORD)
    admin.get_by_role("button", name="Activate account").click()
    expect(admin).to_have_url(re.compile(r"/zonnig/$"))

    # The operator blocks the organisation for payment arrears, with a preview first.
    operator.get_by_role("link", name="zonnig").click()
    operator.get_by_label("Status").select_option("blocked_payment")
    operator.get_by_label("Message for its users (optional)").fill(MESSAGE)
    operator.get_by_role("button", name="Preview").click()
    expect(operator.locator("#preview-text")).to_contain_text(MESSAGE)
    operator.screenshot(path=str(artifacts / "operator-status-preview.png"), full_page=True)
    operator.get_by_role("button", name="Save status").click()
    expect(operator.get_by_role("status")).to_have_text("The status was saved.")
    expect(operator.locator("#current-status")).to_have_attribute("data-status", "blocked_payment")

    # The administrator's session has ended; the right password shows the operator's message.
    admin.goto("/zonnig/")
    expect(admin).to_have_url(re.compile(r"/zonnig/login"))
    admin.get_by_label("E-mail address or username").fill("eigenaar@zonnig.test")
    admin.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    expect(admin.get_by_role("alert")).to_contain_text(MESSAGE)
    admin.screenshot(path=str(artifacts / "operator-blocked-payment-login.png"), full_page=True)
    assert problems == []
