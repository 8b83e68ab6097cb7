"""Codes work once and for at most ten minutes; a second use revokes what the first got.
Refresh tokens rotate; an old one used again revokes the whole chain."""

from datetime import timedelta

from poortwachter.security.models import AuditEvent
from tests.oidc import helpers
from tests.oidc.flows import code_for, introspect, redeem, refresh, tokens_for, userinfo


def test_a_code_works_once_and_its_second_use_revokes_the_tokens_of_the_first(client, org, user, web_app):
    code = code_for(client, org, user, web_app)
    first = redeem(client, org, web_app, code)
    assert first.status_code == 200
    assert userinfo(client, org, first.json()["access_token"]).status_code == 200
    second = redeem(client, org, web_app, code)
    assert second.status_code == 400 and second.json()["error"] == "invalid_grant"
    assert userinfo(client, org, first.json()["access_token"]).status_code == 401
    assert refresh(client, org, web_app, first.json()["refresh_token"]).status_code == 400
    assert AuditEvent.objects.filter(type="oidc.code_replayed", subject=user).count() == 1


def test_a_code_expires_after_ten_minutes(client, org, user, web_app, clock):
    code = code_for(client, org, user, web_app)
    clock.advance(timedelta(minutes=10, seconds=1))
    assert redeem(client, org, web_app, code).json()["error"] == "invalid_grant"


def test_a_code_still_works_just_before_ten_minutes(client, org, user, web_app, clock):
    code = code_for(client, org, user, web_app)
    clock.advance(timedelta(minutes=9, seconds=50))
    assert redeem(client, org, web_app, code).status_code == 200


def test_a_code_of_one_app_cannot_be_redeemed_by_another(client, org, user, web_app):
    other = helpers.make_app(org, name="Ander")
    code = code_for(client, org, user, web_app)
    assert redeem(client, org, other, code).json()["error"] == "invalid_grant"
    assert redeem(client, org, web_app, code).status_code == 200  # the owner's code was not burnt


def test_the_redirect_uri_must_be_the_one_of_the_request(client, org, user, web_app):
    code = code_for(client, org, user, web_app)
    response = redeem(client, org, web_app, code, redirect_uri="https://app.example.nl/other")
    assert response.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_refused_with_401(client, org, user, web_app):
    code = code_for(client, org, user, web_app)
    response = redeem(client, org, web_app, code, client_secret="wrong")
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_a_confidential_app_cannot_skip_its_secret(client, org, user, web_app):
    code = code_for(client, org, user, web_app)
    web_app.secret = None
    assert redeem(client, org, web_app, code).status_code == 401


def test_refresh_rotates_and_replaying_an_old_refresh_token_revokes_the_chain(client, org, user, web_app):
    first = tokens_for(client, org, user, web_app)
    second = refresh(client, org, web_app, first["refresh_token"]).json()
    third = refresh(client, org, web_app, second["refresh_token"]).json()
    assert userinfo(client, org, third["access_token"]).status_code == 200
    replay = refresh(client, org, web_app, first["refresh_token"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert userinfo(client, org, third["access_token"]).status_code == 401
    assert refresh(client, org, web_app, third["refresh_token"]).json()["error"] == "invalid_grant"
    assert AuditEvent.objects.filter(type="oidc.refresh_replayed").count() == 1


def test_refresh_can_narrow_but_not_widen_the_scope(client, org, user, web_app):
    first = tokens_for(client, org, user, web_app)
    narrowed = refresh(client, org, web_app, first["refresh_token"], scope="openid email").json()
    assert narrowed["scope"] == "openid email"
    widened = refresh(client, org, web_app, narrowed["refresh_token"], scope="openid email profile")
    assert widened.json()["error"] == "invalid_scope"


def test_the_id_token_after_a_refresh_keeps_the_original_auth_time(client, org, user, web_app, clock):
    from joserfc import jwt

    first = tokens_for(client, org, user, web_app)
    clock.advance(timedelta(minutes=30))
    renewed = refresh(client, org, web_app, first["refresh_token"]).json()
    before = jwt.decode(first["id_token"], _keys(client, org)).claims
    after = jwt.decode(renewed["id_token"], _keys(client, org)).claims
    assert after["auth_time"] == before["auth_time"] and after["iat"] >= before["iat"] + 1800


def _keys(client, org):
    from joserfc.jwk import KeySet

    return KeySet.import_key_set(client.get(f"/{org.slug}/.well-known/jwks.json").json())


def test_an_access_token_expires_after_ten_minutes(client, org, user, web_app, clock):
    access = tokens_for(client, org, user, web_app)["access_token"]
    clock.advance(timedelta(minutes=10, seconds=1))
    assert userinfo(client, org, access).status_code == 401


def test_revoking_an_access_token_ends_only_that_token(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    client.post(f"/{org.slug}/oidc/revoke", {"token": tokens["access_token"], "client_id": web_app.client_id,
                                            "client_secret": web_app.secret})
    assert userinfo(client, org, tokens["access_token"]).status_code == 401
    assert refresh(client, org, web_app, tokens["refresh_token"]).status_code == 200


def test_another_app_cannot_revoke_a_token_it_was_not_given(client, org, user, web_app):
    other = helpers.make_app(org, name="Ander")
    tokens = tokens_for(client, org, user, web_app)
    response = client.post(f"/{org.slug}/oidc/revoke", {"token": tokens["refresh_token"], "client_id": other.client_id,
                                                        "client_secret": other.secret})
    assert response.status_code == 200  # RFC 7009 answers alike, but nothing happened
    assert refresh(client, org, web_app, tokens["refresh_token"]).status_code == 200


def test_introspection_tells_active_and_inactive_tokens(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    active = introspect(client, org, web_app, tokens["access_token"]).json()
    assert active["active"] is True and active["username"] == user.username and active["token_type"] == "Bearer"
    assert introspect(client, org, web_app, tokens["refresh_token"]).json()["token_type"] == "refresh_token"
    assert introspect(client, org, web_app, "made-up").json() == {"active": False}


def test_introspection_needs_an_authenticated_app(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    response = client.post(f"/{org.slug}/oidc/introspect", {"token": tokens["access_token"]})
    assert response.status_code == 401


def test_unknown_grant_types_and_the_password_grant_are_refused(client, org, web_app):
    for grant_type in ("password", "implicit", "urn:ietf:params:oauth:grant-type:device_code", ""):
        response = client.post(f"/{org.slug}/oidc/token", {"grant_type": grant_type, "username": "x", "password": "y",
                                                           "client_id": web_app.client_id, "client_secret": web_app.secret})
        assert response.json()["error"] == "unsupported_grant_type"


def test_the_implicit_flow_is_refused(client, org, user, web_app):
    from tests.oidc.flows import authorize
    from tests.signin.helpers import login

    login(client, org, user.username)
    for response_type in ("token", "id_token", "code id_token", "id_token token"):
        query = helpers.query_of(authorize(client, org, web_app, response_type=response_type)["Location"])
        assert query["error"] == "unsupported_response_type" and "code" not in query


def test_client_credentials_is_only_for_machine_apps(client, org, web_app, machine):
    refused = client.post(f"/{org.slug}/oidc/token", {"grant_type": "client_credentials",
                                                     "client_id": web_app.client_id, "client_secret": web_app.secret})
    assert refused.json()["error"] == "unauthorized_client"
    allowed = client.post(f"/{org.slug}/oidc/token", {"grant_type": "client_credentials", "scope": "roles"},
                          headers={"Authorization": _basic(machine)})
    assert allowed.status_code == 200 and allowed.json()["scope"] == "roles"
    assert client.post(f"/{org.slug}/oidc/token", {"grant_type": "client_credentials", "scope": "openid"},
                       headers={"Authorization": _basic(machine)}).json()["error"] == "invalid_scope"


def _basic(app) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{app.client_id}:{app.secret}".encode()).decode()


def test_token_responses_are_never_cached(client, org, user, web_app):
    response = redeem(client, org, web_app, code_for(client, org, user, web_app))
    assert response["Cache-Control"] == "no-store"


def test_housekeeping_removes_what_can_no_longer_be_used_and_keeps_the_rest(client, org, user, web_app, clock):
    from poortwachter.oidc import handles
    from poortwachter.oidc.housekeeping import prune
    from poortwachter.oidc.models import Grant, Token

    old = tokens_for(client, org, user, web_app)
    unused_code = code_for(client, org, user, web_app, signed_in=True)
    clock.advance(timedelta(days=2))
    client.logout()
    fresh = tokens_for(client, org, user, web_app)
    waiting = code_for(client, org, user, web_app, signed_in=True)  # not expired: kept
    counts = prune()
    assert counts["codes"] == 1
    kept = set(Grant.objects.values_list("pk", flat=True))
    assert handles.read("code", unused_code)[0] not in kept
    assert handles.read("code", waiting)[0] in kept and len(kept) == 3  # the old and the fresh grant too
    assert refresh(client, org, web_app, fresh["refresh_token"]).status_code == 200
    assert refresh(client, org, web_app, old["refresh_token"]).status_code == 200  # its chain still lives
    assert not Token.objects.exists()  # people's tokens live on their grants
    clock.advance(timedelta(days=32))  # both chains have ended (30 days at most), the waiting code too
    assert prune() == {"codes": 1, "tokens": 0, "grants": 2, "logouts": 0}
    assert not Grant.objects.exists()


def test_a_suspended_organisation_issues_no_tokens(client, org, user, web_app, machine):
    from poortwachter.tenants.services import set_status

    tokens = tokens_for(client, org, user, web_app)
    set_status(org, "suspended", None, "")
    assert refresh(client, org, web_app, tokens["refresh_token"]).status_code == 400
    assert userinfo(client, org, tokens["access_token"]).status_code == 401
    response = client.post(f"/{org.slug}/oidc/token", {"grant_type": "client_credentials"},
                           headers={"Authorization": _basic(machine)})
    assert response.json()["error"] == "unauthorized_client"
