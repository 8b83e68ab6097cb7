"""A person's tokens live on their grant, a generation at a time (oidc/models.Grant): what
an app, and someone holding an old or altered token, notices of that."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from poortwachter import clock as real_clock
from poortwachter.oidc import handles
from poortwachter.oidc.models import Grant, Token
from poortwachter.security.models import AuditEvent
from tests.oidc.flows import code_for, introspect, redeem, refresh, tokens_for, userinfo


def _grant_of(tokens: dict) -> Grant:
    return Grant.objects.get(pk=handles.read("refresh", tokens["refresh_token"])[0])


def _with_other_secret(token: str) -> str:
    return token[:handles.HANDLE_LENGTH] + handles.new_secret()


def test_a_refresh_ends_the_access_token_it_replaces(client, org, user, web_app):
    first = tokens_for(client, org, user, web_app)
    second = refresh(client, org, web_app, first["refresh_token"]).json()
    assert userinfo(client, org, first["access_token"]).status_code == 401
    assert introspect(client, org, web_app, first["access_token"]).json() == {"active": False}
    assert userinfo(client, org, second["access_token"]).status_code == 200
    assert introspect(client, org, web_app, second["access_token"]).json()["active"] is True


def test_a_current_refresh_token_with_another_secret_is_refused_and_the_chain_lives(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    altered = refresh(client, org, web_app, _with_other_secret(tokens["refresh_token"]))
    assert altered.status_code == 400 and altered.json()["error"] == "invalid_grant"
    assert userinfo(client, org, tokens["access_token"]).status_code == 200
    assert refresh(client, org, web_app, tokens["refresh_token"]).status_code == 200
    assert not AuditEvent.objects.filter(type="oidc.refresh_replayed").exists()


def test_an_older_refresh_token_ends_the_chain_whatever_its_secret_part(client, org, user, web_app):
    # Its handle came out of a token this grant issued (it cannot be made up), and the
    # secret of a past generation is no longer kept: the handle alone says "used before".
    first = tokens_for(client, org, user, web_app)
    second = refresh(client, org, web_app, first["refresh_token"]).json()
    replay = refresh(client, org, web_app, _with_other_secret(first["refresh_token"]))
    assert replay.json()["error"] == "invalid_grant"
    assert userinfo(client, org, second["access_token"]).status_code == 401
    assert AuditEvent.objects.filter(type="oidc.refresh_replayed", subject=user).count() == 1


def test_a_generation_the_grant_has_not_reached_is_refused_and_ends_nothing(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    grant_id, secret, generation = handles.read("refresh", tokens["refresh_token"])
    ahead = handles.make("refresh", grant_id, secret, generation + 1)
    assert refresh(client, org, web_app, ahead).json()["error"] == "invalid_grant"
    assert userinfo(client, org, handles.make("access", grant_id, secret, generation + 1)).status_code == 401
    assert refresh(client, org, web_app, tokens["refresh_token"]).status_code == 200


def test_two_refreshes_with_one_token_at_once_leave_one_winner_then_the_chain_ends(client, org, user, web_app):
    # The loser's conditional UPDATE finds the generation gone, as a replay would.
    tokens = tokens_for(client, org, user, web_app)
    winner = refresh(client, org, web_app, tokens["refresh_token"])
    loser = refresh(client, org, web_app, tokens["refresh_token"])
    assert winner.status_code == 200 and loser.status_code == 400
    assert refresh(client, org, web_app, winner.json()["refresh_token"]).status_code == 400


def test_revoking_an_older_refresh_token_ends_the_chain(client, org, user, web_app):
    first = tokens_for(client, org, user, web_app)
    second = refresh(client, org, web_app, first["refresh_token"]).json()
    client.post(f"/{org.slug}/oidc/revoke", {"token": first["refresh_token"], "client_id": web_app.client_id,
                                            "client_secret": web_app.secret})
    assert refresh(client, org, web_app, second["refresh_token"]).json()["error"] == "invalid_grant"


def test_revoking_a_refresh_token_with_another_secret_ends_nothing(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    client.post(f"/{org.slug}/oidc/revoke", {"token": _with_other_secret(tokens["refresh_token"]),
                                            "client_id": web_app.client_id, "client_secret": web_app.secret})
    assert refresh(client, org, web_app, tokens["refresh_token"]).status_code == 200


def test_a_chain_at_its_last_generation_asks_for_a_new_sign_in(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    grant = _grant_of(tokens)
    secret = handles.new_secret()
    Grant.objects.filter(pk=grant.pk).update(generation=handles.MAX_GENERATION, refresh_hash=handles.digest(secret))
    last = handles.make("refresh", grant.pk, secret, handles.MAX_GENERATION)
    answer = refresh(client, org, web_app, last)
    assert answer.status_code == 400 and "sign in" in answer.json()["error_description"]


def test_a_code_exchange_and_a_refresh_each_write_one_row_and_no_token_row(client, org, user, web_app):
    tokens_for(client, org, user, web_app)  # the organisation's first ID token makes its signing key
    code = code_for(client, org, user, web_app, signed_in=True)
    with CaptureQueriesContext(connection) as exchange:
        tokens = redeem(client, org, web_app, code).json()
    with CaptureQueriesContext(connection) as renewal:
        refresh(client, org, web_app, tokens["refresh_token"])
    for captured in (exchange, renewal):
        writes = [q["sql"] for q in captured.captured_queries
                  if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        assert len(writes) == 1 and "oidc_grant" in writes[0], writes
    assert not Token.objects.exists()


def _legacy_tokens(org, grant: Grant) -> dict:
    """A person's tokens as a Token row, as they were issued before grants held them."""
    access, refresh_secret = handles.new_secret(), handles.new_secret()
    now = real_clock.now()
    row = Token.objects.create(organisation=org, grant=grant, access_hash=handles.digest(access),
                               access_expires_at=now + timedelta(minutes=10),
                               refresh_hash=handles.digest(refresh_secret),
                               refresh_expires_at=now + timedelta(days=20), scope=grant.scope)
    return {"access_token": handles.make("access", row.pk, access),
            "refresh_token": handles.make("refresh", row.pk, refresh_secret)}


def test_tokens_issued_as_token_rows_keep_working_and_refresh_onto_their_grant(client, org, user, web_app):
    grant = _grant_of(tokens_for(client, org, user, web_app))
    Grant.objects.filter(pk=grant.pk).update(generation=0, access_hash="", refresh_hash="", token_scope="",
                                             access_expires_at=None, refresh_expires_at=None)
    legacy = _legacy_tokens(org, grant)
    assert userinfo(client, org, legacy["access_token"]).status_code == 200
    assert introspect(client, org, web_app, legacy["refresh_token"]).json()["token_type"] == "refresh_token"
    renewed = refresh(client, org, web_app, legacy["refresh_token"]).json()
    assert handles.read("refresh", renewed["refresh_token"])[2] == 1
    grant.refresh_from_db()
    legacy_row = Token.objects.get()
    assert legacy_row.rotated_at is not None and grant.refresh_expires_at == legacy_row.refresh_expires_at
    assert userinfo(client, org, renewed["access_token"]).status_code == 200
    assert refresh(client, org, web_app, legacy["refresh_token"]).json()["error"] == "invalid_grant"
    assert userinfo(client, org, renewed["access_token"]).status_code == 401  # the replay ended the chain
