"""The parts of every page that are made faster than Django's defaults must still do what
the defaults did: the CSRF token in a form (system/csrf.py) and the memoised page frame
(system/templatetags/memo.py)."""

import re

from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from tests import factories

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _signed_in(org, username="frame"):
    factories.user(org, username=username)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/{org.slug}/login").content.decode()
    browser.post(f"/{org.slug}/login", {"identifier": username, "password": factories.PASSWORD,
                                         "csrfmiddlewaretoken": TOKEN.search(page).group(1)})
    return browser


def test_each_page_carries_a_fresh_token_for_the_same_cookie_and_the_form_is_accepted(org):
    browser = _signed_in(org)
    secret = browser.cookies["poortwachter-csrf"].value
    tokens = [TOKEN.search(browser.get(f"/{org.slug}/dashboard").content.decode()).group(1) for _ in range(20)]
    assert len(set(tokens)) == 20  # masked afresh every time (BREACH)
    assert all(len(t) == 64 and _unmask_cipher_token(t) == secret for t in tokens)
    signed_out = browser.post(f"/{org.slug}/logout", {"csrfmiddlewaretoken": tokens[-1]})
    assert signed_out.status_code == 302
    assert browser.get(f"/{org.slug}/dashboard").status_code == 302  # really signed out


def test_a_token_for_another_cookie_is_refused(org):
    browser = _signed_in(org)
    other = _signed_in(org, "other")
    stolen = TOKEN.search(other.get(f"/{org.slug}/dashboard").content.decode()).group(1)
    assert browser.post(f"/{org.slug}/logout", {"csrfmiddlewaretoken": stolen}).status_code == 403
    assert browser.get(f"/{org.slug}/dashboard").status_code == 200  # still signed in


def test_the_memoised_frame_follows_language_path_and_branding(org):
    browser = _signed_in(org)
    dutch = browser.get(f"/{org.slug}/dashboard").content.decode()
    english = browser.get(f"/{org.slug}/dashboard?lang=en").content.decode()
    assert 'lang="nl"' in dutch and "Afmelden" in dutch and f'href="/{org.slug}/dashboard?lang=en"' in dutch
    assert 'lang="en"' in english and "Sign out" in english and f'href="/{org.slug}/dashboard?lang=nl"' in english
    start = browser.get(f"/{org.slug}/").content.decode()  # in English now (the cookie)
    assert f'href="/{org.slug}/?lang=nl"' in start  # the language link names this page, not the last
    from poortwachter.console.models import Branding

    Branding.objects.update_or_create(organisation=org, defaults={"display_name": "Bakkerij Frame",
                                                                   "accent": "green"})
    branded = browser.get(f"/{org.slug}/dashboard").content.decode()
    assert "Bakkerij Frame" in branded and "accent-green" in branded


def test_titles_are_not_shared_between_pages(org):
    browser = _signed_in(org)
    assert "<title>Dashboard" in browser.get(f"/{org.slug}/dashboard?lang=en").content.decode()
    assert "<title>Dashboard" not in browser.get(f"/{org.slug}/").content.decode()
