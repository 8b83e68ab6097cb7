"""Short-hands for the tests that need a code or tokens without re-testing the flow."""

from urllib.parse import urlencode

from tests.oidc import helpers
from tests.oidc.test_pkce import CHALLENGE, VERIFIER
from tests.signin.helpers import login


def authorize_params(app, **extra) -> dict:
    return {"response_type": "code", "client_id": app.client_id, "redirect_uri": helpers.CALLBACK,
            "scope": "openid profile email roles", "state": "st", "nonce": "n-1",
            "code_challenge": CHALLENGE, "code_challenge_method": "S256", **extra}


def authorize(client, org, app, **extra):
    return client.get(f"/{org.slug}/oidc/authorize?{urlencode(authorize_params(app, **extra))}")


def code_for(client, org, user, app, signed_in=False) -> str:
    if not signed_in:
        assert login(client, org, user.username).status_code == 302
    response = authorize(client, org, app)
    assert response.status_code == 302, response.content[:300]
    return helpers.query_of(response["Location"])["code"]


def redeem(client, org, app, code, headers=None, **extra):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": helpers.CALLBACK,
            "client_id": app.client_id, "code_verifier": VERIFIER, **extra}
    if getattr(app, "secret", None):
        data.setdefault("client_secret", app.secret)
    return client.post(f"/{org.slug}/oidc/token", data, headers=headers)


def tokens_for(client, org, user, app) -> dict:
    response = redeem(client, org, app, code_for(client, org, user, app))
    assert response.status_code == 200, response.content
    return response.json()


def refresh(client, org, app, refresh_token, headers=None, **extra):
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": app.client_id, **extra}
    if getattr(app, "secret", None):
        data.setdefault("client_secret", app.secret)
    return client.post(f"/{org.slug}/oidc/token", data, headers=headers)


def userinfo(client, org, access_token):
    return client.get(f"/{org.slug}/oidc/userinfo", headers={"Authorization": f"Bearer {access_token}"})


def introspect(client, org, app, token):
    return client.post(f"/{org.slug}/oidc/introspect", {"token": token, "client_id": app.client_id,
                                                        "client_secret": app.secret})
