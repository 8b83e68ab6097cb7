"""Signing keys (per organisation, encrypted at rest, rotated with an overlap) and the
ways an app proves itself (secret, private_key_jwt)."""

import base64
import time
import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

from poortwachter.oidc import keys
from poortwachter.oidc.models import SigningKey
from tests.oidc import helpers
from tests.oidc.flows import code_for, redeem, tokens_for


def jwks(client, org):
    return client.get(f"/{org.slug}/.well-known/jwks.json").json()


def test_the_jwks_publishes_only_public_halves(client, org):
    published = jwks(client, org)["keys"]
    assert len(published) == 1 and published[0]["alg"] == "ES256" and "d" not in published[0]


def test_private_keys_are_encrypted_at_rest_and_bound_to_the_secret_key(client, org):
    jwks(client, org)
    row = SigningKey.objects.get(organisation=org)
    assert "PRIVATE KEY" not in row.private_key and b"PRIVATE KEY" not in base64.b64decode(row.private_key)
    keys.forget()
    with override_settings(SECRET_KEY="another-secret-key-entirely-" + "x" * 30):
        with pytest.raises(Exception):
            keys.signing_key(org)


def test_rotation_keeps_the_old_key_published_for_the_overlap(client, org, user, web_app, clock):
    old_token = tokens_for(client, org, user, web_app)["id_token"]
    old_kid = jwt.decode(old_token, KeySet.import_key_set(jwks(client, org))).header["kid"]
    keys.rotate(org, timedelta(hours=48))
    client.logout()
    new_token = tokens_for(client, org, user, web_app)["id_token"]
    published = KeySet.import_key_set(jwks(client, org))
    assert jwt.decode(new_token, published).header["kid"] != old_kid
    assert jwt.decode(old_token, published).claims["sub"]  # still verifies during the overlap
    clock.advance(timedelta(hours=49))
    keys.forget()
    assert old_kid not in {k["kid"] for k in jwks(client, org)["keys"]}


def test_a_rotation_made_by_another_process_is_signed_with_once_the_cache_expires(org, monkeypatch):
    old_kid = keys.signing_key(org).kid
    with monkeypatch.context() as elsewhere:  # another process rotates: this one is not told
        elsewhere.setattr(keys, "forget", lambda organisation=None: None)
        keys.rotate(org)
    assert keys.signing_key(org).kid == old_kid  # still remembered, and still in the JWKS overlap
    monkeypatch.setattr(keys, "CACHE_SECONDS", 0)
    assert keys.signing_key(org).kid == SigningKey.objects.get(organisation=org, retired_at__isnull=True).kid != old_kid


def test_an_app_that_asks_for_rs256_gets_rs256_id_tokens(client, org, user):
    app = helpers.make_app(org, id_token_alg="RS256")
    token = tokens_for(client, org, user, app)["id_token"]
    decoded = jwt.decode(token, KeySet.import_key_set(jwks(client, org)), algorithms=["RS256"])
    assert decoded.header["alg"] == "RS256"


def test_rotatekeys_command_rotates_every_algorithm_in_use(org, capsys):
    from poortwachter.cli import main

    keys.signing_key(org, "ES256")
    keys.signing_key(org, "RS256")
    assert main(["rotatekeys", org.slug, "--overlap-hours", "24"]) == 0
    assert SigningKey.objects.filter(organisation=org, retired_at__isnull=True).count() == 2
    assert SigningKey.objects.filter(organisation=org, retired_at__isnull=False).count() == 2


# --- private_key_jwt ---------------------------------------------------------------------

@pytest.fixture
def app_key():
    return ECKey.generate_key("P-256", parameters={"kid": "app-1"}, private=True)


@pytest.fixture
def signed_app(org, app_key):
    return helpers.make_app(org, name="Sleutel-app", jwks={"keys": [app_key.as_dict(private=False)]})


def assertion(org, app, key, **changes):
    now = int(time.time())
    claims = {"iss": app.client_id, "sub": app.client_id, "aud": f"{helpers.issuer(org)}/oidc/token",
              "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex, **changes}
    return jwt.encode({"alg": "ES256", "kid": "app-1"}, claims, key)


def redeem_with_assertion(client, org, user, app, signed):
    app.secret = None
    code = code_for(client, org, user, app)
    return redeem(client, org, app, code, client_assertion=signed,
                  client_assertion_type="urn:ietf:params:oauth:client-assertion-type:jwt-bearer")


def test_private_key_jwt_authenticates_an_app(client, org, user, signed_app, app_key):
    response = redeem_with_assertion(client, org, user, signed_app, assertion(org, signed_app, app_key))
    assert response.status_code == 200, response.content


def test_a_client_assertion_is_accepted_only_once(client, org, user, signed_app, app_key):
    signed = assertion(org, signed_app, app_key)
    assert redeem_with_assertion(client, org, user, signed_app, signed).status_code == 200
    client.logout()
    assert redeem_with_assertion(client, org, user, signed_app, signed).status_code == 401


@pytest.mark.parametrize("changes", [{"aud": "https://elders.example/token"}, {"exp": int(time.time()) - 5},
                                     {"iss": "someone-else"}, {"exp": int(time.time()) + 3600}, {"jti": ""}])
def test_a_bad_client_assertion_is_refused(client, org, user, signed_app, app_key, changes):
    response = redeem_with_assertion(client, org, user, signed_app, assertion(org, signed_app, app_key, **changes))
    assert response.status_code == 401


def test_an_assertion_signed_by_another_key_is_refused(client, org, user, signed_app):
    stranger = ECKey.generate_key("P-256", parameters={"kid": "app-1"}, private=True)
    response = redeem_with_assertion(client, org, user, signed_app, assertion(org, signed_app, stranger))
    assert response.status_code == 401


def test_two_authentication_methods_at_once_are_refused(client, org, user, web_app):
    code = code_for(client, org, user, web_app)
    basic = "Basic " + base64.b64encode(f"{web_app.client_id}:{web_app.secret}".encode()).decode()
    response = client.post(f"/{org.slug}/oidc/token", {"grant_type": "authorization_code", "code": code,
                                                       "client_secret": web_app.secret}, headers={"Authorization": basic})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_secrets_are_stored_only_as_their_sha256(org, web_app):
    import hashlib

    from poortwachter.oidc.models import App

    stored = App.objects.get(pk=web_app.pk).secret_hash
    assert stored == hashlib.sha256(web_app.secret.encode()).hexdigest() and web_app.secret not in stored
    assert len(web_app.secret) >= 43  # at least 256 bits, base64url
