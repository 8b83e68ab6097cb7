"""The whole authorization code flow driven by Authlib's OAuth 2 client and its OpenID
Connect ID token validation: our endpoints must satisfy a standard library unchanged."""

import warnings

import pytest
from authlib.common.security import generate_token
from authlib.oidc.core import CodeIDToken

from tests.oidc import helpers

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from authlib.jose import JsonWebKey, jwt as authlib_jwt


def validated_id_token(client, org, id_token, app, nonce):
    jwks = client.get(f"/{org.slug}/.well-known/jwks.json").json()
    discovery = client.get(f"/{org.slug}/.well-known/openid-configuration").json()
    claims = authlib_jwt.decode(id_token, JsonWebKey.import_key_set(jwks), claims_cls=CodeIDToken,
                                claims_options={"iss": {"essential": True, "value": discovery["issuer"]}},
                                claims_params={"nonce": nonce, "client_id": app.client_id})
    claims.validate()
    return claims


def sign_in_through(client, org, oauth, user, **params):
    verifier = generate_token(64)
    nonce = generate_token(20)
    url, state = oauth.create_authorization_url(f"{helpers.issuer(org)}/oidc/authorize", code_verifier=verifier,
                                                nonce=nonce, **params)
    back = helpers.follow_to_app(client, url, person=user)
    assert back.startswith(helpers.CALLBACK), back
    return back, verifier, nonce, state


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_confidential_app_signs_a_person_in_with_authlib(client, org, user, web_app, auth_method):
    oauth = helpers.oauth_client(client, org, web_app, token_endpoint_auth_method=auth_method)
    back, verifier, nonce, state = sign_in_through(client, org, oauth, user)
    assert helpers.query_of(back)["iss"] == helpers.issuer(org)
    token = oauth.fetch_token(authorization_response=back, code_verifier=verifier, state=state)
    claims = validated_id_token(client, org, token["id_token"], web_app, nonce)
    assert claims["email"] == user.email and claims["roles"] == ["medewerker"]
    assert claims["amr"] == ["pwd"] and claims["sid"] and claims["auth_time"]
    info = client.get(f"/{org.slug}/oidc/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert info.status_code == 200 and info.json()["sub"] == claims["sub"]


def test_public_app_with_pkce_refreshes_and_revokes_with_authlib(client, org, user, spa):
    oauth = helpers.oauth_client(client, org, spa)
    back, verifier, nonce, state = sign_in_through(client, org, oauth, user)
    token = oauth.fetch_token(authorization_response=back, code_verifier=verifier, state=state)
    first_refresh = token["refresh_token"]
    renewed = oauth.refresh_token(refresh_token=first_refresh)
    assert renewed["refresh_token"] != first_refresh and renewed["access_token"] != token["access_token"]
    validated_id_token(client, org, renewed["id_token"], spa, None)
    revoked = oauth.revoke_token(f"{helpers.issuer(org)}/oidc/revoke", token=renewed["refresh_token"],
                                 token_type_hint="refresh_token")
    assert revoked.status_code == 200
    info = client.get(f"/{org.slug}/oidc/userinfo", headers={"Authorization": f"Bearer {renewed['access_token']}"})
    assert info.status_code == 401


def test_machine_app_gets_a_token_with_client_credentials(client, org, machine):
    oauth = helpers.oauth_client(client, org, machine, scope="roles")
    token = oauth.fetch_token(grant_type="client_credentials")
    assert token["token_type"] == "Bearer" and "refresh_token" not in token
    introspected = oauth.introspect_token(f"{helpers.issuer(org)}/oidc/introspect", token=token["access_token"]).json()
    assert introspected["active"] is True and introspected["client_id"] == machine.client_id
