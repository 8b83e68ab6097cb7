"""What every response carries, health checks, error pages and bad input."""

import logging

import pytest
from django.test import Client

from tests import factories
from tests.signin.helpers import CountingVerifies, login

pytestmark = pytest.mark.django_db


def test_security_headers_on_every_response(client, org):
    for path in (f"/{org.slug}/login", "/", "/healthz", "/onbekend/"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_login_form_has_csrf_and_forged_token_is_refused_in_dutch(org):
    factories.user(org, username="csrf")
    browser = Client(enforce_csrf_checks=True)
    assert b"csrfmiddlewaretoken" in browser.get(f"/{org.slug}/login").content
    response = browser.post(f"/{org.slug}/login", {"identifier": "csrf", "password": factories.PASSWORD,
                                                    "csrfmiddlewaretoken": "vervalst" * 8})
    assert response.status_code == 403
    assert "Dit formulier is verlopen" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_missing_fields_are_explained_and_nothing_is_hashed(client, org, monkeypatch):
    verifies = CountingVerifies(monkeypatch)
    response = client.post(f"/{org.slug}/login", {})
    assert response.status_code == 200
    assert response.content.decode().count("Dit veld is verplicht.") == 2
    assert verifies.count == 0


def test_ten_thousand_characters_are_refused_before_hashing(client, org, monkeypatch):
    verifies = CountingVerifies(monkeypatch)
    for data in ({"identifier": "x" * 10000, "password": "y" * 20}, {"identifier": "iemand", "password": "y" * 10000}):
        response = client.post(f"/{org.slug}/login", data)
        assert response.status_code == 200 and "hoogstens" in response.content.decode()
    assert verifies.count == 0


def test_invalid_utf8_is_handled(client, org, caplog):
    caplog.set_level(logging.ERROR)
    response = client.generic("POST", f"/{org.slug}/login", b"identifier=%ff%fe&password=\xff\xfe\xfd",
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400)
    assert client.get(f"/{org.slug}/login/%ff%fe").status_code == 404
    assert client.get(f"/{org.slug}/login?next=%ff%fe").status_code == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_tampered_session_cookie_is_just_not_signed_in(client, org):
    factories.user(org, username="koekje")
    login(client, org, "koekje")
    client.cookies["poortwachter"] = client.cookies["poortwachter"].value[:-4] + "abcd"
    assert client.get(f"/{org.slug}/").status_code == 302
    assert client.get(f"/{org.slug}/login").status_code == 200


def test_wrong_methods_and_unknown_pages_get_clear_pages(client, org):
    assert client.put(f"/{org.slug}/login").status_code == 405
    response = client.get(f"/{org.slug}/bestaat-niet")
    assert response.status_code == 404 and "Pagina niet gevonden" in response.content.decode()


@pytest.mark.parametrize("agent,warned", [
    ("Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko", True),
    ("Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1)", True),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.2 Safari/605.1.15", True),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15", False),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36", False),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", False),
])
def test_outdated_browsers_get_a_warning(client, org, agent, warned):
    html = client.get(f"/{org.slug}/login", HTTP_USER_AGENT=agent).content.decode()
    assert ("verouderde browser" in html) is warned


def test_root_page_explains_which_website(client):
    assert "Welke website moet ik gebruiken?" in client.get("/").content.decode()


def test_https_public_url_gives_host_prefixed_secure_cookies(tmp_path):
    import subprocess
    import sys

    code = ("from django.conf import settings as s; import django; django.setup();"
            "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_TRUSTED_ORIGINS[0])")
    env = {"POORTWACHTER_PUBLIC_URL": "https://login.example.nl", "POORTWACHTER_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "poortwachter.settings", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["__Host-poortwachter", "__Host-poortwachter-csrf", "True", "https://login.example.nl"]


def test_host_cookie_is_sent_secure_for_the_whole_site(client, org, settings):
    settings.SESSION_COOKIE_NAME, settings.SESSION_COOKIE_SECURE = "__Host-poortwachter", True
    factories.user(org, username="veilig")
    response = client.post(f"/{org.slug}/login", {"identifier": "veilig", "password": factories.PASSWORD}, secure=True)
    cookie = response.cookies["__Host-poortwachter"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"] and cookie["httponly"]


def test_forged_host_header_gets_400_and_no_error_log(client, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and "Ongeldig verzoek" in response.content.decode()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
