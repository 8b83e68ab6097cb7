"""Redirect URIs are compared as exact strings. Every variation an attacker could try
(Keycloak CVE-2024-8883 and CVE-2026-7504, authentik CVE-2024-52289 and CVE-2024-21637)
gets an error page, and nobody is ever redirected to it."""

from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError

from poortwachter.oidc.models import Grant
from poortwachter.oidc.registration import check_uri
from tests.oidc import helpers
from tests.signin.helpers import login

ATTACKS = [
    "https://APP.example.nl/callback",             # changed case (host)
    "https://app.example.nl/Callback",             # changed case (path)
    "HTTPS://app.example.nl/callback",             # changed case (scheme)
    "https://app.example.nl/callback/",            # trailing slash
    "https://app.example.nl/callback/extra",       # extra path
    "https://app.example.nl/callback/../evil",     # ../
    "https://app.example.nl/callback/%2e%2e/evil", # encoded ../
    "https://app.example.nl/callback%2F..%2Fevil",
    "https://app.example.nl%2Fcallback",
    "https://app.example.nl/call%62ack",           # encoded letter
    "https://app.example.nl@evil.example/callback",  # userinfo trick
    "https://evil.example@app.example.nl/callback",
    "https://app.example.nl\\@evil.example/callback",  # backslash trick
    "https://app.example.nl\\evil.example/callback",
    "https://app.example.nl/callback?next=https://evil.example",  # added query
    "https://app.example.nl/callback?",
    "https://app.example.nl/callback#frag",
    "https://app.example.nl.evil.example/callback",  # suffix domain
    "https://app.example.nl:443/callback",         # explicit default port
    "https://app.example.nl:8443/callback",
    "http://app.example.nl/callback",              # downgraded scheme
    "//app.example.nl/callback",                   # scheme-relative
    "https://app.example.nl/callback ",            # trailing space
    "https://app.example.nl/callback%00",
    "https://app.example.nl/callback\t",
    "http://localhost/callback",                   # localhost variants
    "http://localhost:9999/callback",
    "http://127.0.0.1/callback",
    "http://[::1]/callback",
    "http://localhost.evil.example/callback",
    "javascript:alert(document.domain)//https://app.example.nl/callback",
    "javascript://app.example.nl/callback%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "",
]


def authorize(client, org, app, redirect_uri, **extra):
    params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": redirect_uri, "scope": "openid",
              "state": "s", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
              "code_challenge_method": "S256", **extra}
    return client.get(f"/{org.slug}/oidc/authorize?{urlencode(params)}")


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_redirect_uri_that_is_not_registered_exactly_gets_an_error_page_and_no_redirect(client, org, user, attack):
    app = helpers.make_app(org, redirect_uris=[helpers.CALLBACK, "http://localhost:8080/callback"])
    login(client, org, user.username)
    response = authorize(client, org, app, attack)
    assert response.status_code == 400
    assert "Location" not in response
    assert not Grant.objects.exists()  # no code was made


def test_the_registered_uri_itself_gets_a_code(client, org, user, web_app):
    login(client, org, user.username)
    response = authorize(client, org, web_app, helpers.CALLBACK)
    assert response.status_code == 302 and response["Location"].startswith(helpers.CALLBACK + "?code=")


def test_a_registered_uri_with_a_query_keeps_it_and_gets_the_code_added(client, org, user):
    app = helpers.make_app(org, redirect_uris=["https://app.example.nl/cb?tenant=7"])
    login(client, org, user.username)
    location = authorize(client, org, app, "https://app.example.nl/cb?tenant=7")["Location"]
    assert location.startswith("https://app.example.nl/cb?tenant=7&code=")
    response = authorize(client, org, app, "https://app.example.nl/cb?tenant=8")
    assert response.status_code == 400 and "Location" not in response


def test_an_unknown_app_gets_an_error_page(client, org, user, web_app):
    login(client, org, user.username)
    web_app.client_id = "unknown"
    response = authorize(client, org, web_app, helpers.CALLBACK)
    assert response.status_code == 400 and "Location" not in response


def test_a_second_redirect_uri_parameter_is_refused(client, org, user, web_app):
    login(client, org, user.username)
    response = client.get(f"/{org.slug}/oidc/authorize?" + urlencode(
        [("response_type", "code"), ("client_id", web_app.client_id), ("redirect_uri", helpers.CALLBACK),
         ("redirect_uri", "https://evil.example/cb"), ("scope", "openid")]))
    assert response.status_code == 400 and "Location" not in response


def test_the_error_page_explains_in_english_when_asked(client, org, user, web_app):
    response = client.get(f"/{org.slug}/oidc/authorize?" + urlencode(
        {"client_id": web_app.client_id, "redirect_uri": "https://evil.example/", "lang": "en"}))
    assert response.status_code == 400
    assert "has not registered" in response.content.decode()


@pytest.mark.parametrize("uri", [
    "javascript:alert(1)", "data:text/html,x", "http://app.example.nl/cb", "https://app.example.nl/cb#x",
    "https://user@app.example.nl/cb", "https://app.example.nl\\cb", "not a url", "https:///cb", "file:///etc/passwd",
])
def test_registration_refuses_dangerous_redirect_uris(uri):
    with pytest.raises(ValidationError):
        check_uri(uri)


@pytest.mark.parametrize("uri", ["https://app.example.nl/cb", "http://localhost:8080/cb", "http://127.0.0.1/cb",
                                 "nl.example.app:/oauth2redirect"])
def test_registration_accepts_https_loopback_and_native_app_uris(uri):
    assert check_uri(uri) == uri
