"""Re-authentication before changing the second step: a proof within five minutes, by
password or app code; wrong tries count toward the lock; a lock ends the session."""

import re
from datetime import timedelta

import pytest

from poortwachter.mail.models import OutboxMessage
from poortwachter.methods import second_step
from poortwachter.methods.models import Authenticator, Kind, RecoveryCode
from poortwachter.security.audit import AuditEvent
from poortwachter.signin.models import Session
from tests import factories
from tests.second_step import code_now, set_up_app
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db


def settings_url(org, rest=""):
    return f"/{org.slug}/settings/second-step{rest}"


def test_adding_an_app_right_after_sign_in_needs_no_new_proof(client, org, user):
    login(client, org, user.username)
    page = client.get(settings_url(org, "/add"))
    assert page.status_code == 200 and 'id="totp-secret"' in page.content.decode()


def test_after_five_minutes_a_change_asks_for_the_password_first(client, org, user, clock):
    login(client, org, user.username)
    clock.advance(timedelta(minutes=6))
    response = client.get(settings_url(org, "/add"))
    assert response.status_code == 302 and response["Location"].startswith(f"/{org.slug}/reauth?next=")
    response = client.post(response["Location"], {"password": factories.PASSWORD, "next": settings_url(org, "/add")})
    assert response["Location"] == settings_url(org, "/add")
    assert client.get(settings_url(org, "/add")).status_code == 200
    assert AuditEvent.objects.filter(type="reauth.succeeded", subject=user, reason="pwd").exists()


def test_an_app_code_also_re_authenticates_but_only_once(client, org, user, clock):
    secret = set_up_app(user)
    login(client, org, user.username)
    client.post(f"/{org.slug}/login/second-step", {"method": "totp", "code": code_now(secret)})
    clock.advance(timedelta(minutes=6))
    code = code_now(secret)
    assert client.post(f"/{org.slug}/reauth", {"code": code})["Location"].endswith("/settings/")
    clock.advance(timedelta(minutes=6))
    assert client.post(f"/{org.slug}/reauth", {"code": code}).status_code == 400


def test_wrong_passwords_count_and_the_lock_ends_the_session(client, org, user, clock):
    login(client, org, user.username)
    clock.advance(timedelta(minutes=6))
    for n in range(9):
        assert client.post(f"/{org.slug}/reauth", {"password": "fout-wachtwoord"}).status_code == 400
    response = client.post(f"/{org.slug}/reauth", {"password": "fout-wachtwoord"})
    assert response.status_code == 403
    assert not Session.objects.filter(user=user).exists()
    assert client.get(f"/{org.slug}/settings/").status_code == 302


def test_the_reauth_page_never_redirects_outside_the_portal(client, org, user, clock):
    login(client, org, user.username)
    response = client.post(f"/{org.slug}/reauth", {"password": factories.PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == f"/{org.slug}/settings/"


def test_a_pending_sign_in_cannot_remove_the_app(client, org, user):
    set_up_app(user)
    app = Authenticator.objects.get(user=user)
    login(client, org, user.username)  # password right, code not given
    response = client.post(settings_url(org, "/remove"), {"authenticator": app.pk})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert Authenticator.objects.filter(pk=app.pk).exists()


def test_removing_after_five_minutes_asks_for_a_proof_first(client, org, user, clock):
    secret = set_up_app(user)
    app = Authenticator.objects.get(user=user)
    login(client, org, user.username)
    client.post(f"/{org.slug}/login/second-step", {"method": "totp", "code": code_now(secret)})
    clock.advance(timedelta(minutes=6))
    response = client.post(settings_url(org, "/remove"), {"authenticator": app.pk})
    assert response["Location"].startswith(f"/{org.slug}/reauth")
    assert Authenticator.objects.filter(pk=app.pk).exists()


def test_settings_show_set_up_and_remove_with_mail_each_time(client, org, user):
    login(client, org, user.username)
    page = client.get(settings_url(org, "/add")).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    response = client.post(settings_url(org, "/add"), {"method": "totp", "code": code_now(secret)})
    assert len(re.findall(r"<code>[a-z0-9]{5}-[a-z0-9]{5}</code>", response.content.decode())) == 10
    app = Authenticator.objects.get(user=user, kind=Kind.TOTP)
    assert client.post(settings_url(org, "/remove"), {"authenticator": app.pk})["Location"].endswith("done=removed")
    assert not Authenticator.objects.filter(user=user).exists() and not RecoveryCode.objects.filter(user=user).exists()
    assert OutboxMessage.objects.filter(to=user.email, template="second_step_changed").count() == 2
    assert AuditEvent.objects.filter(type="second_step.removed", subject=user).exists()


def test_someone_else_s_authenticator_cannot_be_removed(client, org, user):
    other = factories.user(org)
    set_up_app(other)
    theirs = Authenticator.objects.get(user=other)
    login(client, org, user.username)
    client.post(settings_url(org, "/remove"), {"authenticator": theirs.pk})
    client.post(settings_url(org, "/remove"), {"authenticator": "not-a-number"})
    assert Authenticator.objects.filter(pk=theirs.pk).exists()


def test_new_recovery_codes_replace_the_old_ones(client, org, user):
    set_up_app(user)
    from poortwachter.methods import recovery_codes

    old = recovery_codes.generate(user)
    secret_login = login(client, org, user.username)
    assert secret_login.status_code == 302
    client.post(f"/{org.slug}/login/second-step", {"method": "recovery", "code": old[0]})
    response = client.post(settings_url(org, "/recovery-codes"))
    new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(new) == 10 and not recovery_codes.use(user, old[1]) and recovery_codes.use(user, new[0])


def test_an_administrator_setting_a_password_switches_the_second_step_off(client, org, user):
    """The seeds: an admin who sets a new password switches the user's 2FA off."""
    secret = set_up_app(user)
    login(client, org, user.username)
    client.post(f"/{org.slug}/login/second-step", {"method": "totp", "code": code_now(secret)})
    admin = factories.user(org, roles=("beheerder",))
    second_step.set_password_by_admin(user, "een-heel-nieuw-wachtwoord-9", actor=admin)
    assert not Authenticator.objects.filter(user=user).exists()
    assert not Session.objects.filter(user=user).exists()
    mail = OutboxMessage.objects.get(to=user.email, template="password_set_by_admin")
    assert "een-heel-nieuw-wachtwoord-9" in mail.text_body
    assert AuditEvent.objects.filter(type="password.set_by_admin", actor=admin, subject=user).exists()
    client.cookies.clear()
    assert login(client, org, user.username, "een-heel-nieuw-wachtwoord-9")["Location"] == f"/{org.slug}/dashboard"
