"""PKCE with S256 only: a challenge without its verifier, a verifier without a challenge
and the plain method are all refused (authentik CVE-2023-48228)."""

import base64
import hashlib
from urllib.parse import urlencode

import pytest

from tests.oidc import helpers
from tests.signin.helpers import login

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


def get_code(client, org, user, app, **pkce):
    login(client, org, user.username)
    params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": helpers.CALLBACK,
              "scope": "openid", "state": "xyz", **pkce}
    return client.get(f"/{org.slug}/oidc/authorize?{urlencode(params)}")


def redeem(client, org, app, code, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": helpers.CALLBACK,
            "client_id": app.client_id, **extra}
    if app.secret:
        data["client_secret"] = app.secret
    return client.post(f"/{org.slug}/oidc/token", data)


def code_of(response) -> str:
    assert response.status_code == 302, response.content[:300]
    return helpers.query_of(response["Location"])["code"]


@pytest.mark.parametrize("kind", ["public", "confidential"])
def test_a_challenge_without_the_verifier_fails(client, org, user, kind):
    app = helpers.make_app(org, kind=kind)
    code = code_of(get_code(client, org, user, app, code_challenge=CHALLENGE, code_challenge_method="S256"))
    response = redeem(client, org, app, code)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_a_wrong_verifier_fails_and_burns_the_code(client, org, user, spa):
    code = code_of(get_code(client, org, user, spa, code_challenge=CHALLENGE, code_challenge_method="S256"))
    assert redeem(client, org, spa, code, code_verifier="x" * 43).json()["error"] == "invalid_grant"
    assert redeem(client, org, spa, code, code_verifier=VERIFIER).json()["error"] == "invalid_grant"


def test_a_verifier_without_a_challenge_fails(client, org, user, web_app):
    code = code_of(get_code(client, org, user, web_app))
    response = redeem(client, org, web_app, code, code_verifier=VERIFIER)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_the_right_verifier_succeeds(client, org, user, spa):
    code = code_of(get_code(client, org, user, spa, code_challenge=CHALLENGE, code_challenge_method="S256"))
    response = redeem(client, org, spa, code, code_verifier=VERIFIER)
    assert response.status_code == 200 and response.json()["id_token"]


@pytest.mark.parametrize("pkce", [
    {"code_challenge": VERIFIER, "code_challenge_method": "plain"},
    {"code_challenge": VERIFIER},  # no method means plain
    {"code_challenge": CHALLENGE, "code_challenge_method": "s256"},
    {"code_challenge": "short", "code_challenge_method": "S256"},
    {"code_challenge_method": "S256"},
])
def test_plain_and_malformed_challenges_are_refused_back_to_the_app(client, org, user, spa, pkce):
    response = get_code(client, org, user, spa, **pkce)
    assert response.status_code == 302
    query = helpers.query_of(response["Location"])
    assert query["error"] == "invalid_request" and query["state"] == "xyz" and "code" not in query


def test_a_public_app_must_use_pkce(client, org, user, spa):
    query = helpers.query_of(get_code(client, org, user, spa)["Location"])
    assert query["error"] == "invalid_request" and "code" not in query


def test_a_confidential_app_may_use_pkce_or_not(client, org, user, web_app):
    assert "code" in helpers.query_of(get_code(client, org, user, web_app)["Location"])
