"""Browser apps call the token, UserInfo and revocation endpoints from their own origin
(oidc/cors.py): what a browser, and a page at some other origin, gets back."""

import pytest

from poortwachter.oidc.cors import origin_of
from tests.oidc import helpers
from tests.oidc.flows import code_for, introspect, redeem, refresh, tokens_for

APP_ORIGIN = "https://app.example.nl"  # the origin of helpers.CALLBACK
EVIL = "https://app.example.nl.evil.test"


def _preflight(client, org, endpoint: str, origin: str, method: str = "POST"):
    return client.options(f"/{org.slug}/oidc/{endpoint}", headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type"})


@pytest.mark.parametrize("endpoint, method", [("token", "POST"), ("userinfo", "GET"), ("revoke", "POST")])
def test_a_preflight_from_a_registered_origin_is_allowed_without_credentials(client, org, spa, endpoint, method):
    response = _preflight(client, org, endpoint, APP_ORIGIN, method)
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert method in response["Access-Control-Allow-Methods"]
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response
    assert "Origin" in response["Vary"]


@pytest.mark.parametrize("origin", [EVIL, "http://app.example.nl", "https://app.example.nl:8443", "null",
                                    "https://APP.example.nl.", "https://evil.test"])
def test_a_preflight_from_any_other_origin_is_refused(client, org, spa, origin):
    response = _preflight(client, org, "token", origin)
    assert response.status_code == 403 and "Access-Control-Allow-Origin" not in response


def test_a_browser_app_reads_its_token_and_userinfo_answers(client, org, user, spa):
    code = code_for(client, org, user, spa)
    answer = redeem(client, org, spa, code, headers={"Origin": APP_ORIGIN})
    assert answer.status_code == 200 and answer["Access-Control-Allow-Origin"] == APP_ORIGIN
    access = answer.json()["access_token"]
    info = client.get(f"/{org.slug}/oidc/userinfo", headers={"Authorization": f"Bearer {access}",
                                                             "Origin": APP_ORIGIN})
    assert info.status_code == 200 and info["Access-Control-Allow-Origin"] == APP_ORIGIN
    # An error is readable too, so the app can tell what went wrong.
    wrong = refresh(client, org, spa, "made-up", headers={"Origin": APP_ORIGIN})
    assert wrong.status_code == 400 and wrong["Access-Control-Allow-Origin"] == APP_ORIGIN


def test_another_origin_is_answered_but_cannot_read_the_answer(client, org, user, spa):
    answer = redeem(client, org, spa, code_for(client, org, user, spa), headers={"Origin": EVIL})
    assert answer.status_code == 200  # CORS decides who reads, not who may ask
    assert "Access-Control-Allow-Origin" not in answer and "Origin" in answer["Vary"]


def test_an_app_s_server_gets_no_cors_headers(client, org, user, web_app):
    answer = redeem(client, org, web_app, code_for(client, org, user, web_app))
    assert answer.status_code == 200 and "Access-Control-Allow-Origin" not in answer


def test_introspection_is_for_servers_only(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    answer = introspect(client, org, web_app, tokens["access_token"])
    assert answer.json()["active"] is True
    preflight = _preflight(client, org, "introspect", APP_ORIGIN)
    assert "Access-Control-Allow-Origin" not in preflight


def test_another_organisation_s_registered_origin_is_not_let_in(client, org, spa):
    from tests import factories

    other = factories.organisation()
    helpers.make_app(other, kind="public", name="Elders", redirect_uris=["https://elders.example.nl/cb"])
    assert _preflight(client, other, "token", "https://elders.example.nl").status_code == 204
    assert _preflight(client, org, "token", "https://elders.example.nl").status_code == 403


def test_a_new_redirect_uri_lets_its_origin_in_at_once(client, org, spa):
    assert _preflight(client, org, "token", "https://nieuw.example.nl").status_code == 403
    spa.redirect_uris = [*spa.redirect_uris, "https://nieuw.example.nl/terug"]
    spa.save()
    assert _preflight(client, org, "token", "https://nieuw.example.nl").status_code == 204


@pytest.mark.parametrize("uri, origin", [
    ("https://app.example.nl/callback", "https://app.example.nl"),
    ("https://App.Example.NL:443/cb", "https://app.example.nl"),
    ("http://127.0.0.1:8000/cb?x=1", "http://127.0.0.1:8000"),
    ("http://[::1]:5173/cb", "http://[::1]:5173"),
    ("com.example.app:/callback", None),
    ("https://app.example.nl:99999/cb", None),
    ("javascript:alert(1)", None),
])
def test_the_origin_of_a_redirect_uri(uri, origin):
    assert origin_of(uri) == origin
