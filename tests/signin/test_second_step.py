"""The second step over HTTP: after the right password nothing is granted until an
authenticator-app code, an e-mail code or a recovery code is right; wrong codes count toward
the account's lock; the organisation can require a second step and leads the person
through setting one up before the session."""

import re
from datetime import timedelta

import pytest

from poortwachter.mail.models import OutboxMessage
from poortwachter.methods import recovery_codes
from poortwachter.methods.models import Authenticator, Kind
from poortwachter.security.audit import AuditEvent
from poortwachter.signin.models import Session
from tests import factories
from tests.second_step import code_now, set_up_app
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db


def step_url(org):
    return f"/{org.slug}/login/second-step"


def prove(client, org, method, code):
    return client.post(step_url(org), {"method": method, "code": code})


def signed_in(client, org) -> bool:
    return client.get(f"/{org.slug}/settings/").status_code == 200


def mailed_code(user) -> str:
    body = OutboxMessage.objects.filter(to=user.email, template="email_code").latest("id").text_body
    return re.search(r"\b([A-Z]{2}-\d{6})\b", body).group(1)


def test_password_alone_gives_only_the_second_step_page(client, org, user):
    set_up_app(user)
    response = login(client, org, user.username)
    assert response.status_code == 302 and response["Location"] == step_url(org)
    assert not signed_in(client, org)
    assert not Session.objects.filter(user=user).exists()


def test_the_app_code_finishes_the_sign_in_with_mfa_recorded(client, org, user):
    secret = set_up_app(user)
    login(client, org, user.username, next=f"/{org.slug}/settings/")
    response = prove(client, org, "totp", code_now(secret))
    assert response.status_code == 302 and response["Location"] == f"/{org.slug}/settings/"
    assert signed_in(client, org)
    assert client.session["amr"] == ["pwd", "otp", "mfa"]
    assert AuditEvent.objects.filter(type="second_step.succeeded", subject=user, reason="totp").exists()


def test_a_replayed_app_code_is_refused_on_a_second_sign_in(client, org, user):
    secret = set_up_app(user)
    code = code_now(secret)
    login(client, org, user.username)
    assert prove(client, org, "totp", code).status_code == 302
    client.post(f"/{org.slug}/logout")
    login(client, org, user.username)
    response = prove(client, org, "totp", code)
    assert response.status_code == 400 and not signed_in(client, org)


@pytest.mark.parametrize("typed", ["12345", "abcdef", "1" * 10000, "", "12 34 5x"])
def test_malformed_codes_get_a_message_and_count_nothing(client, org, user, typed):
    set_up_app(user)
    login(client, org, user.username)
    response = prove(client, org, "totp", typed)
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not AuditEvent.objects.filter(type="second_step.failed").exists()


def test_wrong_app_codes_count_toward_the_lock_and_a_fresh_password_does_not_reset_them(client, org, user):
    secret = set_up_app(user)
    wrong = f"{(int(code_now(secret)) + 500000) % 10**6:06d}"
    for _ in range(3):  # 3 wrong codes, then a new sign-in with the right password...
        login(client, org, user.username)
        for _ in range(3):
            assert prove(client, org, "totp", wrong).status_code == 400
    login(client, org, user.username)
    response = prove(client, org, "totp", wrong)  # ...the 10th wrong code locks
    assert response.status_code == 403
    assert AuditEvent.objects.filter(type="account.locked", subject=user).exists()
    # The pending sign-in is over, and the right code no longer helps.
    assert client.get(step_url(org))["Location"] == f"/{org.slug}/login"
    response = login(client, org, user.username, altcha=None)
    assert response.status_code in (200, 403) and not signed_in(client, org)


def test_the_email_code_page_shows_the_letters_and_accepts_the_code(client, org, user):
    Authenticator.objects.create(organisation=org, user=user, kind=Kind.EMAIL)
    login(client, org, user.username)
    page = client.get(step_url(org), HTTP_ACCEPT_LANGUAGE="en", QUERY_STRING="lang=en").content.decode()
    code = mailed_code(user)  # sent at once: it is the only way
    assert f"starts with {code[:2]}" in page
    response = prove(client, org, "email", code[3:])  # the digits alone will do
    assert response.status_code == 302 and signed_in(client, org)
    assert client.session["amr"] == ["pwd", "email"]  # mailbox only: no "mfa"


def test_the_email_code_dies_after_five_wrong_tries(client, org, user):
    Authenticator.objects.create(organisation=org, user=user, kind=Kind.EMAIL)
    login(client, org, user.username)
    client.get(step_url(org))
    code = mailed_code(user)
    wrong = f"{code[:3]}{(int(code[3:]) + 1) % 10**6:06d}"
    for _ in range(5):
        prove(client, org, "email", wrong)
    assert prove(client, org, "email", code).status_code == 400
    assert not signed_in(client, org)


def test_asking_for_a_new_email_code_is_throttled(client, org, user, clock):
    Authenticator.objects.create(organisation=org, user=user, kind=Kind.EMAIL)
    login(client, org, user.username)
    client.get(step_url(org))
    client.post(step_url(org), {"method": "send_email"})
    assert OutboxMessage.objects.filter(template="email_code").count() == 1
    clock.advance(timedelta(seconds=61))
    client.post(step_url(org), {"method": "send_email"})
    assert OutboxMessage.objects.filter(template="email_code").count() == 2


def test_a_recovery_code_finishes_the_sign_in_once_and_the_owner_is_told(client, org, user):
    set_up_app(user)
    code = recovery_codes.generate(user)[0]
    login(client, org, user.username)
    assert prove(client, org, "recovery", code).status_code == 302
    assert OutboxMessage.objects.filter(to=user.email, template="recovery_code_used").exists()
    client.post(f"/{org.slug}/logout")
    login(client, org, user.username)
    assert prove(client, org, "recovery", code).status_code == 400


def test_a_refused_email_code_method_cannot_be_used_when_the_organisation_forbids_it(client, user, org):
    Authenticator.objects.create(organisation=org, user=user, kind=Kind.EMAIL)
    secret = set_up_app(user)
    org.policy.allow_email_code = False
    org.policy.save()
    login(client, org, user.username)
    assert "method-email" not in client.get(step_url(org)).content.decode()
    assert prove(client, org, "email", "AB-123456").status_code == 400
    assert prove(client, org, "totp", code_now(secret)).status_code == 302


def test_a_configured_second_step_is_never_skipped_when_its_method_is_switched_off(client, org, user):
    """Regression for Ory Kratos CVE-2024-45042: the level was computed from the methods
    still enabled, so a configured factor could be skipped. Here the password alone never
    suffices once a second step was set up: the person must set up an allowed one."""
    set_up_app(user)
    org.policy.allow_totp = False
    org.policy.save()
    response = login(client, org, user.username)
    assert response["Location"] == f"/{org.slug}/login/second-step/set-up"
    assert not signed_in(client, org)
    assert client.get(step_url(org))["Location"] == f"/{org.slug}/login/second-step/set-up"


def test_required_for_everyone_leads_through_set_up_before_the_session(client, user):
    org = user.organisation
    org.policy.two_factor = "everyone"
    org.policy.save()
    response = login(client, org, user.username)
    assert response["Location"] == f"/{org.slug}/login/second-step/set-up"
    page = client.get(response["Location"])
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1).replace(" ", "")
    response = client.post(response["Location"], {"method": "totp", "code": code_now(secret)})
    assert response.status_code == 200 and 'id="recovery-codes"' in response.content.decode()
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(codes) == 10
    download = client.get(f"/{org.slug}/recovery-codes.txt")
    assert download["Content-Disposition"].startswith("attachment") and codes[0] in download.content.decode()
    assert not signed_in(client, org)
    response = client.post(f"/{org.slug}/login/second-step/done")
    assert signed_in(client, org) and client.session["amr"] == ["pwd", "otp", "mfa"]
    assert OutboxMessage.objects.filter(to=user.email, template="second_step_changed").exists()


def test_required_for_a_role_only_asks_people_with_that_role(client, org):
    org.policy.two_factor = "roles"
    org.policy.save()
    org.roles.filter(name="beheerder").update(requires_second_step=True)
    admin = factories.user(org, roles=("beheerder",))
    worker = factories.user(org, roles=("medewerker",))
    assert login(client, org, admin.username)["Location"].endswith("/login/second-step/set-up")
    client.post(f"/{org.slug}/logout")
    assert login(client, org, worker.username)["Location"] == f"/{org.slug}/dashboard"


def test_an_administrator_can_require_it_of_one_user(client, org, user):
    user.second_step_required = True
    user.save()
    assert login(client, org, user.username)["Location"].endswith("/login/second-step/set-up")


def test_set_up_with_an_email_code_when_the_organisation_allows_only_that(client, org, user):
    org.policy.two_factor = "everyone"
    org.policy.allow_totp = org.policy.allow_passkey = False
    org.policy.save()
    url = login(client, org, user.username)["Location"]
    client.post(url, {"method": "send_email"})
    response = client.post(url, {"method": "email", "code": mailed_code(user)})
    assert response.status_code == 302 and signed_in(client, org)
    assert Authenticator.objects.filter(user=user, kind=Kind.EMAIL).exists()


def test_a_magic_link_does_not_make_the_email_code_a_second_proof(client, org, smtp):
    """A link and a code by e-mail prove the same mailbox twice: the app code is asked."""
    from tests.methods.test_magic_link import asked_link

    jan = factories.user(org, email="jan@example.nl")
    Authenticator.objects.create(organisation=org, user=jan, kind=Kind.EMAIL)
    secret = set_up_app(jan)
    response = client.post(asked_link(client, org, smtp))
    assert response["Location"] == step_url(org)
    page = client.get(step_url(org)).content.decode()
    assert "method-email" not in page and "method-totp" in page
    assert prove(client, org, "email", "AB-123456").status_code == 400
    assert prove(client, org, "totp", code_now(secret)).status_code == 302
    assert client.session["amr"] == ["email", "otp", "mfa"]


def test_a_pending_sign_in_of_one_organisation_gives_nothing_at_another(client, org, user):
    set_up_app(user)
    other = factories.organisation()
    login(client, org, user.username)
    assert client.get(step_url(other))["Location"] == f"/{other.slug}/login"
