"""Fixtures for the real-browser tests: Debian's Chromium driven by Playwright against
pytest-django's live server, with the demo organisation in the database.

Playwright cannot download browsers here, so it launches /usr/bin/chromium (`make chromium`
installs it). The machine's network is closed: the flags keep Chromium from calling out."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("POORTWACHTER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests of this package, stopped when they are done.

    While Playwright runs, its sync API keeps an asyncio event loop running in this thread,
    and Django refuses database calls from such a thread ("You cannot call this from an
    async context"), so DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly that time; the rest
    of the suite keeps Django's check."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium`", pytrace=False)
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def demo(transactional_db):
    """The demo organisation and its two accounts, with an empty shared cache (the live
    server's thread has its own cache object, so the per-test key prefix does not reach it)."""
    from django.core.cache import cache

    from poortwachter.tenants.demo import ensure_demo

    cache.clear()
    return ensure_demo()


@pytest.fixture
def page(browser, live_server, demo):
    """A fresh browser context per test (no cookies carried over), in Dutch."""
    context = browser.new_context(locale="nl-NL", base_url=live_server.url,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
