"""Pages rendered once and served by filling their holes (system/pages.py): each person sees
their own values, escaped; the CSRF token is fresh and works; a template that would show
something per person outside a hole fails loudly instead of leaking it to the next person."""

import re

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from poortwachter.system import pages
from poortwachter.tenants.policy import Policy
from tests import factories

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _signed_in(org, username, name=""):
    factories.user(org, username=username, name=name)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/{org.slug}/login").content.decode()
    browser.post(f"/{org.slug}/login", {"identifier": username, "password": factories.PASSWORD,
                                         "csrfmiddlewaretoken": TOKEN.search(page).group(1)})
    return browser


def test_each_person_sees_their_own_name_escaped_on_the_shared_page(org):
    anna = _signed_in(org, "anna", "Anna de Vries")
    mallory = _signed_in(org, "mallory", '<script>alert("x")</script> & Co')
    first = anna.get(f"/{org.slug}/dashboard").content.decode()
    second = mallory.get(f"/{org.slug}/dashboard").content.decode()
    third = anna.get(f"/{org.slug}/dashboard").content.decode()
    assert "Anna de Vries" in first and "Anna de Vries" in third and "Anna" not in second
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in second
    assert "<script>alert" not in second and "mallory" not in first + third
    assert pages._MARK not in first + second + third  # no marker is ever sent


def test_the_token_is_fresh_on_every_page_and_signs_out(org):
    browser = _signed_in(org, "token")
    tokens = {TOKEN.search(browser.get(f"/{org.slug}/dashboard").content.decode()).group(1) for _ in range(5)}
    assert len(tokens) == 5
    assert browser.post(f"/{org.slug}/logout", {"csrfmiddlewaretoken": tokens.pop()}).status_code == 302
    assert browser.get(f"/{org.slug}/dashboard").status_code == 302


def test_the_csrf_cookie_is_set_when_missing_and_renewed_at_each_sign_in_only(org):
    browser = _signed_in(org, "cookie")
    page = browser.get(f"/{org.slug}/dashboard")
    assert "poortwachter-csrf" not in page.cookies  # the browser's cookie stays as it is
    del browser.cookies["poortwachter-csrf"]
    fresh = browser.get(f"/{org.slug}/dashboard")
    assert fresh.cookies["poortwachter-csrf"].value  # none held: one is set with the page
    token = TOKEN.search(fresh.content.decode()).group(1)
    assert browser.post(f"/{org.slug}/logout", {"csrfmiddlewaretoken": token}).status_code == 302
    assert "poortwachter-csrf" in browser.get(f"/{org.slug}/login").cookies  # renewed where one signs in


def test_the_csrf_cookie_outlives_the_longest_session_a_policy_allows():
    longest = next(v.limit_value for v in Policy._meta.get_field("absolute_days").validators
                   if type(v).__name__ == "MaxValueValidator")
    assert settings.CSRF_COOKIE_AGE > longest * 86400


def test_the_page_follows_language_address_and_branding(org):
    browser = _signed_in(org, "follows")
    assert "Afmelden" in browser.get(f"/{org.slug}/dashboard").content.decode()
    english = browser.get(f"/{org.slug}/dashboard?lang=en&x=1").content.decode()
    assert "Sign out" in english and "lang=nl&amp;x=1" in english
    from poortwachter.console.models import Branding

    Branding.objects.update_or_create(organisation=org, defaults={"display_name": "Bakkerij Pagina"})
    assert "Bakkerij Pagina" in browser.get(f"/{org.slug}/dashboard").content.decode()


@pytest.fixture
def template(settings):
    """A page template of the test's own, from memory."""
    templates = {}
    engine = dict(settings.TEMPLATES[0])
    engine["OPTIONS"] = {**engine["OPTIONS"], "loaders": [("django.template.loaders.locmem.Loader", templates)]}
    with override_settings(TEMPLATES=[engine]):
        yield templates


def _render(org, holes=None):
    request = RequestFactory().get(f"/{org.slug}/test")
    request.organisation = org
    request.META["CSRF_COOKIE"] = "a" * 32
    pages._rendered.clear()
    return pages.render(request, "page.html", holes or {})


@pytest.mark.parametrize("source", [
    "{{ user.display_name }}", "{% if user.is_authenticated %}x{% endif %}", "{{ user }}",
    "{{ request.user.email }}", "{{ request.COOKIES }}", "{{ organisation.name }}", "{{ csp_nonce }}",
])
def test_a_page_that_shows_something_per_person_outside_a_hole_fails(org, template, source):
    template["page.html"] = source
    with pytest.raises(pages.FrozenPageError):
        _render(org)


@pytest.mark.parametrize("source", ["{{ holes.name|upper }}", "{{ holes.name|truncatechars:5 }}", "{{ holes.nme }}"])
def test_a_hole_changed_by_a_filter_or_left_out_fails(org, template, source):
    template["page.html"] = source
    with pytest.raises(pages.FrozenPageError):
        _render(org, {"name": "Anna"})


def test_what_a_page_may_use_renders(org, template):
    template["page.html"] = ("{{ organisation.portal_path }} {{ request.get_full_path }} {{ holes.name }} "
                             "{% csrf_token %}")
    body = _render(org, {"name": "Anna <3"}).content.decode()
    assert body.startswith(f"/{org.slug}/ /{org.slug}/test Anna &lt;3 <input")
    assert TOKEN.search(body)


def test_signing_in_gives_a_new_csrf_secret_of_django_s_alphabet(org):
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

    factories.user(org, username="rotate")
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/{org.slug}/login")
    before = page.cookies["poortwachter-csrf"].value
    signed_in = browser.post(f"/{org.slug}/login", {"identifier": "rotate", "password": factories.PASSWORD,
                                                     "csrfmiddlewaretoken": TOKEN.search(page.content.decode()).group(1)})
    after = signed_in.cookies["poortwachter-csrf"].value
    assert after != before and len(after) == CSRF_SECRET_LENGTH and set(after) <= set(CSRF_ALLOWED_CHARS)
    token = TOKEN.search(browser.get(f"/{org.slug}/dashboard").content.decode()).group(1)
    assert browser.post(f"/{org.slug}/logout", {"csrfmiddlewaretoken": token}).status_code == 302
