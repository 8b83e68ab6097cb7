"""Nothing issued by organisation A works at organisation B: tokens, codes, apps, keys."""

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

import pytest

from tests import factories
from tests.oidc import helpers
from tests.oidc.flows import authorize, code_for, redeem, refresh, tokens_for, userinfo
from tests.signin.helpers import login


@pytest.fixture
def org_b(db):
    return factories.organisation()


def test_a_token_of_organisation_a_is_refused_by_b(client, org, user, web_app, org_b):
    app_b = helpers.make_app(org_b, name=web_app.name)
    tokens = tokens_for(client, org, user, web_app)
    assert userinfo(client, org_b, tokens["access_token"]).status_code == 401
    assert refresh(client, org_b, app_b, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    introspected = client.post(f"/{org_b.slug}/oidc/introspect", {"token": tokens["access_token"],
                                                                 "client_id": app_b.client_id,
                                                                 "client_secret": app_b.secret})
    assert introspected.json() == {"active": False}
    assert userinfo(client, org, tokens["access_token"]).status_code == 200


def test_an_app_of_a_cannot_authenticate_at_b(client, org, user, web_app, org_b):
    code = code_for(client, org, user, web_app)
    response = redeem(client, org_b, web_app, code)
    assert response.status_code == 401
    assert redeem(client, org, web_app, code).status_code == 200


def test_an_app_of_a_cannot_send_people_to_b(client, org, web_app, org_b):
    person_b = factories.user(org_b)
    login(client, org_b, person_b.username)
    response = authorize(client, org_b, web_app)
    assert response.status_code == 400 and "Location" not in response


def test_a_keys_never_validate_b_tokens(client, org, user, web_app, org_b):
    app_b = helpers.make_app(org_b, name=web_app.name)
    person_b = factories.user(org_b)
    id_token_a = tokens_for(client, org, user, web_app)["id_token"]
    client.logout()
    id_token_b = tokens_for(client, org_b, person_b, app_b)["id_token"]
    keys_a = KeySet.import_key_set(client.get(f"/{org.slug}/.well-known/jwks.json").json())
    keys_b = KeySet.import_key_set(client.get(f"/{org_b.slug}/.well-known/jwks.json").json())
    assert not {k["kid"] for k in keys_a.as_dict()["keys"]} & {k["kid"] for k in keys_b.as_dict()["keys"]}
    assert jwt.decode(id_token_a, keys_a).claims["iss"].endswith(f"/{org.slug}")
    for token, wrong in ((id_token_a, keys_b), (id_token_b, keys_a)):
        with pytest.raises((JoseError, ValueError)):
            jwt.decode(token, wrong)


def test_each_organisation_is_its_own_issuer(client, org, org_b):
    a = client.get(f"/{org.slug}/.well-known/openid-configuration").json()
    b = client.get(f"/{org_b.slug}/.well-known/openid-configuration").json()
    assert a["issuer"] == helpers.issuer(org) and b["issuer"] == helpers.issuer(org_b)
    assert a["token_endpoint"] == helpers.issuer(org) + "/oidc/token"
