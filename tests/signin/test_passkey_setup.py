"""Adding a passkey (personal settings, and the set-up a required second step forces during
sign-in) and re-authenticating with one, over HTTP with a software authenticator."""

from datetime import timedelta

import pytest
from django.test import Client

from poortwachter.mail.models import OutboxMessage
from poortwachter.methods.models import Authenticator, Kind, RecoveryCode
from poortwachter.security.models import AuditEvent
from tests import factories
from tests.passkey_device import PUBLIC_URL, SoftPasskey, post_json, registered
from tests.second_step import set_up_app
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PUBLIC_URL = PUBLIC_URL


def add_in_settings(client, org, device, name="laptop"):
    options = post_json(client, f"/{org.slug}/settings/passkey/options")
    assert options.status_code == 200, options.content
    return post_json(client, f"/{org.slug}/settings/passkey/verify",
                     {"credential": device.create(options.json()["publicKey"]), "name": name})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- personal settings ---------------------------------------------------------------------

def test_settings_show_the_passkey_button_where_passkeys_are_allowed(client, org, user):
    login(client, org, user.username)
    page = client.get(f"/{org.slug}/settings/second-step?lang=en").content.decode()
    assert 'id="manage-passkey"' in page and "Add a passkey" in page
    assert 'id="setup-passkey"' in client.get(f"/{org.slug}/settings/second-step/add").content.decode()
    org.policy.allow_passkey = False
    org.policy.save()
    assert 'id="manage-passkey"' not in client.get(f"/{org.slug}/settings/second-step").content.decode()


def test_adding_a_first_passkey_makes_recovery_codes_audits_and_mails(client, org, user):
    login(client, org, user.username)
    device = SoftPasskey()
    answer = add_in_settings(client, org, device, name="Werklaptop")
    assert answer.status_code == 200
    assert answer.json()["go_to"] == f"/{org.slug}/login/second-step/passkey/recovery-codes"
    stored = Authenticator.objects.get(user=user, kind=Kind.PASSKEY)
    assert stored.name == "Werklaptop" and bytes(stored.credential_id) == device.credential_id
    codes = client.get(answer.json()["go_to"])
    assert codes.status_code == 200 and len(codes.context["codes"]) == 10 and not codes.context["during_signin"]
    assert RecoveryCode.objects.filter(user=user).count() == 10
    assert AuditEvent.objects.filter(type="second_step.added", subject=user, reason="passkey").exists()
    assert OutboxMessage.objects.filter(to=user.email, template="second_step_changed").exists()
    overview = client.get(f"/{org.slug}/settings/second-step").content.decode()
    assert "Werklaptop" in overview


def test_a_second_passkey_goes_back_to_the_settings_without_new_codes(client, org, user):
    login(client, org, user.username)
    add_in_settings(client, org, SoftPasskey())
    answer = add_in_settings(client, org, SoftPasskey())
    assert answer.json()["go_to"] == f"/{org.slug}/settings/second-step?done=added"
    assert Authenticator.objects.filter(user=user, kind=Kind.PASSKEY).count() == 2
    assert AuditEvent.objects.filter(type="recovery_codes.created", subject=user).count() == 1


def test_adding_the_same_passkey_twice_is_refused_clearly(client, org, user):
    login(client, org, user.username)
    device = SoftPasskey()
    add_in_settings(client, org, device)
    again = add_in_settings(client, org, device)
    assert again.status_code == 400 and again.json()["error"]
    assert Authenticator.objects.filter(user=user, kind=Kind.PASSKEY).count() == 1


def test_adding_a_passkey_needs_a_recent_proof(client, org, user, clock):
    login(client, org, user.username)
    clock.advance(timedelta(minutes=6))
    answer = post_json(client, f"/{org.slug}/settings/passkey/options", {"next": f"/{org.slug}/settings/second-step"})
    assert answer.status_code == 403 and "publicKey" not in answer.json()
    assert answer.json()["go_to"].startswith(f"/{org.slug}/reauth?next=")
    assert not Authenticator.objects.filter(user=user).exists()


def test_a_stranger_cannot_add_a_passkey(client, org):
    answer = post_json(client, f"/{org.slug}/settings/passkey/options")
    assert answer.status_code == 403 and answer.json()["go_to"] == f"/{org.slug}/login"
    assert not Authenticator.objects.exists()


def test_registration_for_another_origin_is_refused(client, org, user):
    login(client, org, user.username)
    options = post_json(client, f"/{org.slug}/settings/passkey/options").json()["publicKey"]
    answer = post_json(client, f"/{org.slug}/settings/passkey/verify",
                       {"credential": SoftPasskey().create(options, origin="https://evil.example")})
    assert answer.status_code == 400 and not Authenticator.objects.filter(user=user).exists()


def test_a_passkey_is_removed_in_settings(client, org, user):
    login(client, org, user.username)
    add_in_settings(client, org, SoftPasskey())
    stored = Authenticator.objects.get(user=user)
    client.post(f"/{org.slug}/settings/second-step/remove", {"authenticator": stored.pk})
    assert not Authenticator.objects.filter(user=user).exists()


# --- the forced set-up during sign-in -------------------------------------------------------

def test_a_required_second_step_can_be_a_passkey_set_up_during_sign_in(client, org, user):
    org.policy.two_factor = "everyone"
    org.policy.save()
    assert login(client, org, user.username)["Location"] == f"/{org.slug}/login/second-step/set-up"
    assert 'id="setup-passkey"' in client.get(f"/{org.slug}/login/second-step/set-up").content.decode()
    options = post_json(client, f"/{org.slug}/login/second-step/set-up/passkey/options").json()["publicKey"]
    answer = post_json(client, f"/{org.slug}/login/second-step/set-up/passkey/verify",
                       {"credential": SoftPasskey().create(options), "name": "telefoon"})
    assert answer.json()["go_to"] == f"/{org.slug}/login/second-step/passkey/recovery-codes"
    assert not signed_in(client)
    codes = client.get(answer.json()["go_to"])
    assert codes.context["during_signin"] and len(codes.context["codes"]) == 10
    done = client.post(f"/{org.slug}/login/second-step/done")
    assert done["Location"] == f"/{org.slug}/dashboard"
    assert signed_in(client) and client.session["amr"] == ["pwd", "hwk", "mfa"]


def test_the_forced_set_up_endpoints_refuse_when_passkeys_are_not_allowed(client, org, user):
    org.policy.two_factor = "everyone"
    org.policy.allow_passkey = False
    org.policy.save()
    login(client, org, user.username)
    assert 'id="setup-passkey"' not in client.get(f"/{org.slug}/login/second-step/set-up").content.decode()
    assert post_json(client, f"/{org.slug}/login/second-step/set-up/passkey/options").status_code == 403
    assert not signed_in(client)


# --- a half-finished sign-in gets nothing from the endpoints of signed-in people -----------

def test_a_half_finished_sign_in_gets_nothing_from_the_passkey_endpoints_of_signed_in_people(client, org, user):
    set_up_app(user)
    device = registered(user)
    assert login(client, org, user.username)["Location"] == f"/{org.slug}/login/second-step"
    for path in ("settings/passkey/options", "settings/passkey/verify", "reauth/passkey/options",
                 "reauth/passkey/verify", "login/second-step/set-up/passkey/options",
                 "login/second-step/set-up/passkey/verify"):
        answer = post_json(client, f"/{org.slug}/{path}", {"credential": device.get({"challenge": "eA"})})
        assert answer.status_code == 403, path
        assert "publicKey" not in answer.json() and user.email not in answer.content.decode(), path
    assert client.get(f"/{org.slug}/login/second-step/passkey/recovery-codes").status_code == 302
    assert not signed_in(client)
    assert Authenticator.objects.filter(user=user, kind=Kind.PASSKEY).count() == 1


# --- re-authentication ------------------------------------------------------------------------

def test_re_authenticate_with_a_passkey(client, org, user, clock):
    device = registered(user)
    login(client, org, user.username)
    options = post_json(client, f"/{org.slug}/login/second-step/passkey/options").json()["publicKey"]
    post_json(client, f"/{org.slug}/login/second-step/passkey/verify", {"credential": device.get(options)})
    clock.advance(timedelta(minutes=6))
    page = client.get(f"/{org.slug}/reauth?next=/{org.slug}/settings/second-step/add").content.decode()
    assert 'id="reauth-passkey"' in page
    options = post_json(client, f"/{org.slug}/reauth/passkey/options").json()["publicKey"]
    answer = post_json(client, f"/{org.slug}/reauth/passkey/verify",
                       {"credential": device.get(options), "next": f"/{org.slug}/settings/second-step/add"})
    assert answer.json()["go_to"] == f"/{org.slug}/settings/second-step/add"
    assert AuditEvent.objects.filter(type="reauth.succeeded", subject=user, reason="hwk").exists()
    assert client.get(f"/{org.slug}/settings/second-step/add").status_code == 200


def test_a_wrong_passkey_does_not_re_authenticate(client, org, user, clock):
    device = registered(user)
    login(client, org, user.username)
    options = post_json(client, f"/{org.slug}/login/second-step/passkey/options").json()["publicKey"]
    post_json(client, f"/{org.slug}/login/second-step/passkey/verify", {"credential": device.get(options)})
    clock.advance(timedelta(minutes=6))
    options = post_json(client, f"/{org.slug}/reauth/passkey/options").json()["publicKey"]
    answer = post_json(client, f"/{org.slug}/reauth/passkey/verify",
                       {"credential": device.get(options, origin="https://evil.example")})
    assert answer.status_code == 400
    assert AuditEvent.objects.filter(type="reauth.failed", subject=user).exists()
    assert client.get(f"/{org.slug}/settings/second-step/add").status_code == 302


def test_someone_elses_passkey_does_not_re_authenticate(client, org, user, clock):
    mine = registered(user)
    colleague = factories.user(org)
    theirs = registered(colleague)
    login(client, org, user.username)
    options = post_json(client, f"/{org.slug}/login/second-step/passkey/options").json()["publicKey"]
    post_json(client, f"/{org.slug}/login/second-step/passkey/verify", {"credential": mine.get(options)})
    clock.advance(timedelta(minutes=6))
    options = post_json(client, f"/{org.slug}/reauth/passkey/options").json()["publicKey"]
    answer = post_json(client, f"/{org.slug}/reauth/passkey/verify", {"credential": theirs.get(options)})
    assert answer.status_code == 400


def test_the_reauth_page_offers_no_passkey_to_someone_without_one(org, user):
    client = Client()
    login(client, org, user.username)
    assert 'id="reauth-passkey"' not in client.get(f"/{org.slug}/reauth").content.decode()
    assert post_json(client, f"/{org.slug}/reauth/passkey/options").status_code == 403
