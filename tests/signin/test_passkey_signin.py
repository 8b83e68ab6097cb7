"""Signing in with a passkey over HTTP: as the second step after the password, and alone
(passwordless) where the organisation allows it. The answers come from a software
authenticator and are verified by py_webauthn."""

import pytest
from django.test import Client

from poortwachter.accounts import services
from poortwachter.methods.models import Authenticator
from poortwachter.security.models import AuditEvent
from poortwachter.signin.models import Session
from tests import factories
from tests.passkey_device import PUBLIC_URL, SoftPasskey, post_json, registered
from tests.second_step import set_up_app
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PUBLIC_URL = PUBLIC_URL


def second_step(client, org, device, **answer_options):
    options = post_json(client, f"/{org.slug}/login/second-step/passkey/options").json()["publicKey"]
    return post_json(client, f"/{org.slug}/login/second-step/passkey/verify",
                     {"credential": device.get(options, **answer_options)})


def passwordless(client, org, device, next="", headers=None, **answer_options):
    options = post_json(client, f"/{org.slug}/login/passkey/options").json()["publicKey"]
    return post_json(client, f"/{org.slug}/login/passkey/verify",
                     {"credential": device.get(options, **answer_options), "next": next}, **(headers or {}))


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- second step -------------------------------------------------------------------------

def test_password_then_passkey_signs_in_with_two_factors(client, org, user):
    device = registered(user)
    assert login(client, org, user.username)["Location"] == f"/{org.slug}/login/second-step"
    page = client.get(f"/{org.slug}/login/second-step").content.decode()
    assert 'id="method-passkey"' in page and "passkey.js" in page
    answer = second_step(client, org, device)
    assert answer.status_code == 200 and answer.json()["go_to"] == f"/{org.slug}/dashboard"
    assert signed_in(client)
    assert client.session["amr"] == ["pwd", "hwk", "mfa"]
    assert AuditEvent.objects.filter(type="second_step.succeeded", subject=user, reason="passkey").exists()
    assert AuditEvent.objects.filter(type="signin.succeeded", subject=user).exists()


def test_the_second_step_offers_only_the_users_own_passkeys(client, org, user):
    device = registered(user)
    registered(factories.user(org))
    login(client, org, user.username)
    options = post_json(client, f"/{org.slug}/login/second-step/passkey/options").json()["publicKey"]
    assert [c["id"] for c in options["allowCredentials"]] == [device.get({"challenge": "eA"})["rawId"]]


def test_a_wrong_passkey_answer_counts_and_signs_nobody_in(client, org, user):
    device = registered(user)
    login(client, org, user.username)
    answer = second_step(client, org, device, origin="https://evil.example")
    assert answer.status_code == 400 and "error" in answer.json()
    assert not signed_in(client)
    assert AuditEvent.objects.filter(type="second_step.failed", subject=user, reason="passkey_invalid").exists()
    assert second_step(client, org, device).status_code == 200 and signed_in(client)


def test_a_replayed_passkey_answer_is_refused(client, org, user):
    device = registered(user)
    login(client, org, user.username)
    options = post_json(client, f"/{org.slug}/login/second-step/passkey/options").json()["publicKey"]
    answer = {"credential": device.get(options)}
    assert post_json(client, f"/{org.slug}/login/second-step/passkey/verify", answer).status_code == 200
    other = Client()
    login(other, org, user.username)
    post_json(other, f"/{org.slug}/login/second-step/passkey/options")  # a fresh challenge
    assert post_json(other, f"/{org.slug}/login/second-step/passkey/verify", answer).status_code == 400
    assert not signed_in(other)


def test_wrong_passkey_answers_lock_the_account_like_wrong_codes(client, org, user):
    device = registered(user)
    login(client, org, user.username)
    for _ in range(org.policy.lockout_after_failures - 1):
        assert second_step(client, org, device, rp_id="evil.example").status_code == 400
    ended = second_step(client, org, device, rp_id="evil.example")
    assert ended.status_code == 403 and ended.json()["go_to"] == f"/{org.slug}/login"
    assert AuditEvent.objects.filter(type="account.locked", subject=user).exists()
    assert not signed_in(client)


def test_the_passkey_endpoints_of_the_second_step_need_that_step(client, org, user):
    device = registered(user)
    assert post_json(client, f"/{org.slug}/login/second-step/passkey/options").status_code == 403
    answer = post_json(client, f"/{org.slug}/login/second-step/passkey/verify", {"credential": device.get({"challenge": "eA"})})
    assert answer.status_code == 403 and answer.json()["go_to"] == f"/{org.slug}/login"
    assert not signed_in(client)


def test_a_passkey_is_not_offered_or_accepted_when_the_organisation_switches_passkeys_off(client, org, user):
    device = registered(user)
    set_up_app(user)
    org.policy.allow_passkey = False
    org.policy.save()
    login(client, org, user.username)
    page = client.get(f"/{org.slug}/login/second-step").content.decode()
    assert 'id="method-passkey"' not in page and 'id="method-totp"' in page
    assert 'id="login-passkey"' not in client.get(f"/{org.slug}/login").content.decode()
    assert post_json(client, f"/{org.slug}/login/second-step/passkey/options").status_code == 403
    assert post_json(client, f"/{org.slug}/login/second-step/passkey/verify",
                     {"credential": device.get({"challenge": "eA"})}).status_code == 400
    assert post_json(client, f"/{org.slug}/login/passkey/options").status_code == 403
    assert post_json(client, f"/{org.slug}/login/passkey/verify", {"credential": device.get({"challenge": "eA"})}).status_code == 403
    assert not signed_in(client)


def test_the_passkey_json_endpoints_need_the_csrf_header(org, user):
    device = registered(user)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(f"/{org.slug}/login")
    assert page.status_code == 200
    assert post_json(browser, f"/{org.slug}/login/passkey/options").status_code == 403
    token = browser.cookies["poortwachter-csrf"].value
    options = post_json(browser, f"/{org.slug}/login/passkey/options", HTTP_X_CSRFTOKEN=token)
    assert options.status_code == 200
    answer = {"credential": device.get(options.json()["publicKey"])}
    assert post_json(browser, f"/{org.slug}/login/passkey/verify", answer).status_code == 403
    assert not signed_in(browser)


# --- passwordless --------------------------------------------------------------------------

def test_the_login_page_offers_a_passkey_when_the_organisation_allows_it(client, org):
    page = client.get(f"/{org.slug}/login?lang=en").content.decode()
    assert 'id="login-passkey"' in page and "Or sign in without a password" in page
    org.policy.allow_passkey_signin = False
    org.policy.save()
    assert 'id="login-passkey"' not in client.get(f"/{org.slug}/login").content.decode()


def test_a_passkey_alone_signs_in_and_counts_as_two_factors(client, org, user):
    device = registered(user)
    answer = passwordless(client, org, device, next=f"/{org.slug}/settings/")
    assert answer.status_code == 200 and answer.json()["go_to"] == f"/{org.slug}/settings/"
    assert signed_in(client) and client.session["amr"] == ["hwk", "mfa"]
    assert Session.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(type="signin.succeeded", subject=user, reason="hwk+mfa").exists()


def test_passwordless_ignores_a_next_outside_the_portal(client, org, user):
    device = registered(user)
    answer = passwordless(client, org, device, next="https://evil.example/")
    assert answer.json()["go_to"] == f"/{org.slug}/dashboard"


def test_passwordless_needs_the_person_verified_on_the_device(client, org, user):
    device = registered(user)
    answer = passwordless(client, org, device, verified=False)
    assert answer.status_code == 400 and not signed_in(client)
    assert AuditEvent.objects.filter(type="signin.failed", subject=user, reason="passkey_invalid").exists()


def test_passwordless_is_refused_when_switched_off(client, org, user):
    device = registered(user)
    options = post_json(client, f"/{org.slug}/login/passkey/options").json()["publicKey"]
    org.policy.allow_passkey_signin = False
    org.policy.save()
    answer = post_json(client, f"/{org.slug}/login/passkey/verify", {"credential": device.get(options)})
    assert answer.status_code == 403 and not signed_in(client)


def test_a_passkey_of_organisation_a_is_useless_at_organisation_b(client, org, user):
    device = registered(user)
    other = factories.organisation()
    factories.user(other, email=user.email, username=user.username)
    answer = passwordless(client, other, device)
    assert answer.status_code == 400 and not signed_in(client)
    assert not Session.objects.filter(user__isnull=False).exists()
    assert AuditEvent.objects.filter(type="signin.failed", organisation=other, reason="passkey_unknown_credential").exists()


def test_a_blocked_user_is_refused_after_a_valid_passkey(client, org, user):
    device = registered(user)
    services.block(user, reason="Vertrokken")
    answer = passwordless(client, org, device, headers={"HTTP_ACCEPT_LANGUAGE": "en"})
    assert answer.status_code == 403 and "blocked" in answer.json()["error"] and "Vertrokken" in answer.json()["error"]
    assert not signed_in(client)
    assert AuditEvent.objects.filter(type="signin.refused", subject=user, reason="user_blocked").exists()


def test_a_blocked_organisation_is_refused_after_a_valid_passkey(client, org, user):
    device = registered(user)
    org.status = "suspended"
    org.save()
    answer = passwordless(client, org, device)
    assert answer.status_code == 403 and not signed_in(client)
    assert AuditEvent.objects.filter(type="signin.refused", subject=user, reason="organisation_suspended").exists()


def test_wrong_passkey_answers_lock_the_account_and_a_valid_passkey_stays_locked_out(client, org, user):
    device = registered(user)
    for _ in range(org.policy.lockout_after_failures):
        assert passwordless(client, org, device, rp_id="evil.example").status_code == 400
    assert AuditEvent.objects.filter(type="account.locked", subject=user).exists()
    answer = passwordless(client, org, device, headers={"HTTP_ACCEPT_LANGUAGE": "en"})
    assert answer.status_code == 403 and "Too many sign-in attempts" in answer.json()["error"]
    assert not signed_in(client)


def test_an_unknown_passkey_gets_the_same_answer_as_a_wrong_one(client, org, user):
    device = registered(user)
    unknown = passwordless(client, org, SoftPasskey())
    wrong = passwordless(client, org, device, rp_id="evil.example")
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.json() == wrong.json()


def test_passwordless_still_asks_for_an_expired_password(client, org, user, clock):
    from datetime import timedelta

    device = registered(user)
    org.policy.password_max_age_days = 90
    org.policy.save()
    clock.advance(timedelta(days=91))
    answer = passwordless(client, org, device)
    assert answer.json()["go_to"] == f"/{org.slug}/login/password-expired"
    assert not signed_in(client)


@pytest.mark.parametrize("body", ["", "[]", '{"credential": "x"}', '{"credential": {"rawId": "%%%"}}', "\xff"])
def test_bad_json_gets_a_clear_answer(client, org, user, body):
    registered(user)
    post_json(client, f"/{org.slug}/login/passkey/options")
    answer = client.post(f"/{org.slug}/login/passkey/verify", body, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["error"]
    assert not signed_in(client)
    assert Authenticator.objects.get(user=user).sign_count == 0


def test_the_relying_party_comes_from_the_public_url_not_the_host_header(client, org, user):
    device = registered(user)
    options = post_json(client, f"/{org.slug}/login/passkey/options", HTTP_HOST="localhost").json()["publicKey"]
    assert options["rpId"] == "login.example.nl"
    answer = post_json(client, f"/{org.slug}/login/passkey/verify",
                       {"credential": device.get(options, origin="http://localhost", rp_id="localhost")},
                       HTTP_HOST="localhost")
    assert answer.status_code == 400 and not signed_in(client)


# --- the passwordless challenge lives in a signed cookie, not in a session row ---------------

def test_asking_for_a_passwordless_challenge_writes_no_session(client, org, user):
    registered(user)
    before = Session.objects.count()
    for _ in range(20):
        answer = post_json(client, f"/{org.slug}/login/passkey/options")
        assert answer.status_code == 200 and "poortwachter-passkey" in answer.cookies
    assert Session.objects.count() == before
    assert "poortwachter" not in client.cookies  # no session cookie handed out either


def test_a_challenge_cookie_works_once_even_when_sent_again(client, org, user):
    device = registered(user)
    options = post_json(client, f"/{org.slug}/login/passkey/options").json()["publicKey"]
    cookie = client.cookies["poortwachter-passkey"].value
    answer = device.get(options)
    assert post_json(client, f"/{org.slug}/login/passkey/verify", {"credential": answer}).status_code == 200
    assert signed_in(client)
    replay = Client()
    replay.cookies["poortwachter-passkey"] = cookie
    replayed = post_json(replay, f"/{org.slug}/login/passkey/verify", {"credential": device.get(options)})
    assert replayed.status_code == 400 and not signed_in(replay)


def test_a_challenge_cookie_of_another_organisation_or_a_forged_one_is_refused(client, org, user):
    device = registered(user)
    other = factories.organisation()
    other.policy.allow_passkey_signin = True
    other.policy.save()
    options = post_json(client, f"/{other.slug}/login/passkey/options").json()["publicKey"]
    answer = post_json(client, f"/{org.slug}/login/passkey/verify", {"credential": device.get(options)})
    assert answer.status_code == 400 and not signed_in(client)
    options = post_json(client, f"/{org.slug}/login/passkey/options").json()["publicKey"]
    value = client.cookies["poortwachter-passkey"].value
    client.cookies["poortwachter-passkey"] = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    answer = post_json(client, f"/{org.slug}/login/passkey/verify", {"credential": device.get(options)})
    assert answer.status_code == 400 and not signed_in(client)
