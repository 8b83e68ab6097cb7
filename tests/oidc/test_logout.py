"""Signing out from an app (RP-initiated logout) and telling apps when a session or a
person's access ends (back-channel logout, delivered to a real local HTTP server)."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from poortwachter.accounts import services
from poortwachter.oidc import backchannel
from poortwachter.oidc.models import LogoutDelivery
from poortwachter.signin.models import end_sessions_of
from tests.oidc import helpers
from tests.oidc.flows import refresh, tokens_for, userinfo
from tests.oidc.receiver import LogoutReceiver


@pytest.fixture(autouse=True)
def _apps_on_this_machine(settings):
    # The receiver listens on 127.0.0.1: as an operator whose apps run beside the service
    # would, these tests allow the loopback network (system/outbound.py).
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]


def logout_url(org, **params):
    return f"/{org.slug}/oidc/logout?{urlencode(params)}"


def signed_in(client, org):
    return client.get(f"/{org.slug}/").status_code == 200


def test_logout_with_the_id_token_signs_out_and_returns_to_the_app_with_state(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    response = client.get(logout_url(org, id_token_hint=tokens["id_token"], post_logout_redirect_uri=helpers.LOGOUT_DONE,
                                     state="abc"))
    assert response.status_code == 302 and response["Location"] == helpers.LOGOUT_DONE + "?state=abc"
    assert not signed_in(client, org)
    assert refresh(client, org, web_app, tokens["refresh_token"]).status_code == 400


def test_an_unregistered_post_logout_uri_gets_an_error_page_and_no_redirect(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    for uri in ("https://evil.example/", helpers.LOGOUT_DONE + "/x", helpers.CALLBACK):
        response = client.get(logout_url(org, id_token_hint=tokens["id_token"], post_logout_redirect_uri=uri))
        assert response.status_code == 400 and "Location" not in response
    assert signed_in(client, org)


def test_a_post_logout_uri_without_naming_the_app_is_refused(client, org, user, web_app):
    tokens_for(client, org, user, web_app)
    response = client.get(logout_url(org, post_logout_redirect_uri=helpers.LOGOUT_DONE))
    assert response.status_code == 400 and signed_in(client, org)


def test_without_a_hint_the_person_confirms_first(client, org, user, web_app):
    tokens_for(client, org, user, web_app)
    page = client.get(logout_url(org, client_id=web_app.client_id, post_logout_redirect_uri=helpers.LOGOUT_DONE))
    assert page.status_code == 200 and signed_in(client, org)
    response = client.post(f"/{org.slug}/oidc/logout/confirm", {"client_id": web_app.client_id,
                                                               "post_logout_redirect_uri": helpers.LOGOUT_DONE})
    assert response["Location"] == helpers.LOGOUT_DONE and not signed_in(client, org)


def test_the_confirmation_needs_the_csrf_token(client, org, user, web_app):
    from django.test import Client

    tokens_for(client, org, user, web_app)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = client.cookies
    response = browser.post(f"/{org.slug}/oidc/logout/confirm", {"client_id": web_app.client_id})
    assert response.status_code == 403 and signed_in(browser, org)


def test_a_forged_id_token_hint_is_refused(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    header, payload, signature = tokens["id_token"].split(".")
    response = client.get(logout_url(org, id_token_hint=f"{header}.{payload}.{signature[::-1]}",
                                     post_logout_redirect_uri=helpers.LOGOUT_DONE))
    assert response.status_code == 400 and signed_in(client, org)


def test_signing_out_sends_a_back_channel_logout_with_the_sid(client, org, user):
    with LogoutReceiver() as receiver:
        app = helpers.make_app(org, backchannel_logout_uri=receiver.url)
        tokens = tokens_for(client, org, user, app)
        client.post(f"/{org.slug}/logout")
        assert backchannel.deliver_due() == 1
    keys = KeySet.import_key_set(client.get(f"/{org.slug}/.well-known/jwks.json").json())
    logout = jwt.decode(receiver.tokens[0], keys)
    id_token = jwt.decode(tokens["id_token"], keys).claims
    assert logout.header["typ"] == "logout+jwt"
    assert logout.claims["sid"] == id_token["sid"] and logout.claims["sub"] == id_token["sub"]
    assert logout.claims["aud"] == app.client_id and backchannel.id_tokens.BACKCHANNEL_EVENT in logout.claims["events"]
    assert "nonce" not in logout.claims
    assert refresh(client, org, app, tokens["refresh_token"]).status_code == 400


@pytest.mark.parametrize("end_access", [
    lambda user: services.block(user, reason="vertrokken"),
    lambda user: end_sessions_of(user, "password_reset"),
])
def test_blocking_or_a_reset_revokes_refresh_tokens_and_tells_the_app(client, org, user, end_access):
    with LogoutReceiver() as receiver:
        app = helpers.make_app(org, backchannel_logout_uri=receiver.url)
        tokens = tokens_for(client, org, user, app)
        end_access(user)
        backchannel.deliver_due()
    assert len(receiver.tokens) >= 1
    assert refresh(client, org, app, tokens["refresh_token"]).status_code == 400
    assert userinfo(client, org, tokens["access_token"]).status_code == 401


def test_an_app_that_is_down_gets_the_logout_later(client, org, user, clock):
    with LogoutReceiver(status=503) as receiver:
        app = helpers.make_app(org, backchannel_logout_uri=receiver.url)
        tokens_for(client, org, user, app)
        client.post(f"/{org.slug}/logout")
        assert backchannel.deliver_due() == 0
        assert backchannel.deliver_due() == 0  # not due yet: no hammering
        receiver.status = 200
        clock.advance(timedelta(seconds=31))
        assert backchannel.deliver_due() == 1
    assert len(receiver.tokens) == 2
    row = LogoutDelivery.objects.get()
    assert row.attempts == 2 and row.delivered_at is not None


def test_an_app_without_a_back_channel_uri_gets_nothing_queued(client, org, user, web_app):
    tokens_for(client, org, user, web_app)
    client.post(f"/{org.slug}/logout")
    assert not LogoutDelivery.objects.exists()


def test_the_worker_retries_a_back_channel_logout_that_failed(client, org, user, clock):
    from poortwachter.mail import worker

    with LogoutReceiver(status=503) as receiver:
        app = helpers.make_app(org, backchannel_logout_uri=receiver.url)
        tokens_for(client, org, user, app)
        client.post(f"/{org.slug}/logout")
        backchannel.deliver_due()
        receiver.status = 200
        clock.advance(timedelta(seconds=31))
        worker.run(once=True)
    assert LogoutDelivery.objects.get().delivered_at is not None


def test_a_code_not_yet_redeemed_dies_with_the_session_and_its_app_is_not_told(client, org, user):
    # A code is the first state of its grant: ending the session revokes it, but the app
    # never signed anyone in with it, so there is nobody to log out there.
    from tests.oidc.flows import code_for, redeem

    with LogoutReceiver() as receiver:
        app = helpers.make_app(org, backchannel_logout_uri=receiver.url)
        code = code_for(client, org, user, app)
        client.post(f"/{org.slug}/logout")
        assert not LogoutDelivery.objects.exists()
        response = redeem(client, org, app, code)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert receiver.tokens == []


@pytest.mark.parametrize("where", ["127.0.0.1", "localhost"])
def test_a_back_channel_uri_in_the_operator_s_network_is_never_called(client, org, user, settings, where):
    settings.OUTBOUND_ALLOWED_NETWORKS = []  # production's default: the public internet only
    with LogoutReceiver() as receiver:
        uri = receiver.url.replace("127.0.0.1", where)
        app = helpers.make_app(org, backchannel_logout_uri=uri)
        tokens = tokens_for(client, org, user, app)
        client.post(f"/{org.slug}/logout")
        assert backchannel.deliver_due() == 0
    assert receiver.tokens == []
    row = LogoutDelivery.objects.get()
    assert row.delivered_at is None and row.last_error.startswith("refused:") and "not a public address" in row.last_error
    assert refresh(client, org, app, tokens["refresh_token"]).status_code == 400  # the grant ended all the same
