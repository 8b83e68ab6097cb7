"""What an app is told about a person is the same in the ID token of a code exchange, in the
ID token of a refresh and in UserInfo; and a machine app's tokens hang on one standing grant."""

import base64

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from poortwachter.oidc import tokens
from poortwachter.oidc.models import Grant, Token
from tests import factories
from tests.oidc.flows import introspect, refresh, tokens_for, userinfo

ROLE_ORDER = ["beheerder", "medewerker"]  # the organisation's order (position) of its default roles


def id_token_claims(client, org, id_token) -> dict:
    published = KeySet.import_key_set(client.get(f"/{org.slug}/.well-known/jwks.json").json())
    return jwt.decode(id_token, published).claims


@pytest.mark.parametrize("roles", [("medewerker", "beheerder"), ("medewerker",), ()])
def test_every_role_of_a_person_reaches_the_app_in_order_wherever_it_asks(client, org, web_app, roles):
    person = factories.user(org, roles=roles)
    expected = sorted(roles, key=ROLE_ORDER.index)
    issued = tokens_for(client, org, person, web_app)
    renewed = refresh(client, org, web_app, issued["refresh_token"]).json()
    assert id_token_claims(client, org, issued["id_token"])["roles"] == expected
    assert id_token_claims(client, org, renewed["id_token"])["roles"] == expected
    answer = userinfo(client, org, renewed["access_token"]).json()
    assert answer["roles"] == expected and answer["email"] == person.email


def _client_credentials(client, org, machine) -> dict:
    basic = base64.b64encode(f"{machine.client_id}:{machine.secret}".encode()).decode()
    response = client.post(f"/{org.slug}/oidc/token", {"grant_type": "client_credentials"},
                           headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_machine_app_keeps_one_standing_grant_and_gets_a_new_one_once_it_is_revoked(client, org, machine):
    first = _client_credentials(client, org, machine)
    _client_credentials(client, org, machine)
    standing = Grant.objects.get(app=machine)
    assert Token.objects.filter(grant=standing).count() == 2
    tokens.revoke_grant(standing.pk)
    assert introspect(client, org, machine, first["access_token"]).json() == {"active": False}
    third = _client_credentials(client, org, machine)
    assert introspect(client, org, machine, third["access_token"]).json()["active"] is True
    assert Grant.objects.filter(app=machine, revoked_at__isnull=True).exclude(pk=standing.pk).count() == 1
