"""Every action on one user over HTTP: its effect, its audit event, its e-mail, and its
refusal on bad input. And none of them reaches a user of another organisation."""

from datetime import timedelta

import pytest
from django.test import Client

from poortwachter.accounts.models import Role, User
from poortwachter.mail.models import OutboxMessage
from poortwachter.methods.models import Authenticator
from poortwachter.security.audit import AuditEvent
from poortwachter.signin.models import Session
from tests import factories
from tests.console.conftest import base
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(org):
    return factories.user(org, username="piet", email="piet@example.nl", name="Piet Puk")


def url(org, user, action=""):
    return f"{base(org)}users/{user.pk}/{action}"


def audited(type, **kw) -> bool:
    return AuditEvent.objects.filter(type=type, **kw).exists()


def mails_to(address):
    return list(OutboxMessage.objects.filter(to=address).order_by("id"))


def test_user_page_shows_the_user(console, org, person):
    page = console.get(url(org, person)).content.decode()
    assert "Piet Puk" in page and "piet@example.nl" in page


def test_unknown_user_is_404(console, org):
    assert console.get(f"{base(org)}users/999999/").status_code == 404
    assert console.post(f"{base(org)}users/999999/block", {"reason": "x"}).status_code == 404


def test_resend_activation_sends_a_new_link_and_the_old_stops(console, org, admin):
    pending = factories.user(org, email="wacht@example.nl", password=None)
    from poortwachter.signin.activation.flow import send_welcome

    send_welcome(pending)
    response = console.post(url(org, pending, "activation"))
    assert response.status_code == 302 and response["Location"].endswith("?done=activation")
    first, second = mails_to("wacht@example.nl")
    path = lambda mail: [w for w in mail.text_body.split() if "/activate/" in w][0].split(":8000", 1)[1]  # noqa
    assert Client().get(path(first)).status_code == 404  # the older link stopped working
    assert Client().get(path(second)).status_code == 302  # the new one leads to the password form
    assert AuditEvent.objects.filter(type="activation.sent", subject=pending).count() == 2


def test_resend_activation_refused_for_an_active_user(console, org, person):
    response = console.post(url(org, person, "activation") + "?lang=en")
    assert response.status_code == 400 and "already active" in response.content.decode()
    assert mails_to(person.email) == []


def test_change_email_tells_both_addresses(console, org, admin, person):
    response = console.post(url(org, person, "email"), {"email": "nieuw.adres@example.nl"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "nieuw.adres@example.nl"
    assert [m.template for m in mails_to("nieuw.adres@example.nl")] == ["console_email_changed"]
    assert [m.template for m in mails_to("piet@example.nl")] == ["console_email_changed"]
    assert audited("email.changed", actor=admin, subject=person, reason="admin")
    assert login(Client(), org, "nieuw.adres@example.nl").status_code == 302


@pytest.mark.parametrize("address", ["beheerder1@example.nl", "geen-adres", "piet@example.nl"])
def test_change_email_refuses_taken_invalid_or_same_address(console, org, person, address):
    response = console.post(url(org, person, "email") + "?lang=en", {"email": address})
    assert response.status_code == 200 and response.context["form"].errors
    person.refresh_from_db()
    assert person.email == "piet@example.nl" and OutboxMessage.objects.count() == 0


def test_change_email_asks_for_reauthentication_after_five_minutes(console, org, person, clock):
    clock.advance(timedelta(minutes=6))
    response = console.post(url(org, person, "email"), {"email": "laat@example.nl"})
    assert response.status_code == 302 and response["Location"].startswith(f"/{org.slug}/reauth?next=")
    person.refresh_from_db()
    assert person.email == "piet@example.nl"


def test_send_reset_link(console, org, admin, person):
    assert console.post(url(org, person, "reset-link")).status_code == 302
    (mail,) = mails_to(person.email)
    assert mail.template == "password_reset" and f"/{org.slug}/password/reset/" in mail.text_body
    assert audited("password_reset.sent", actor=admin, subject=person, reason="admin")


def test_reset_link_for_a_blocked_user_is_refused(console, org, person):
    person.status = "blocked"
    person.save()
    assert console.post(url(org, person, "reset-link")).status_code == 400
    assert mails_to(person.email) == []


def test_set_password_mails_it_switches_2fa_off_and_signs_out(console, org, admin, person):
    Authenticator.objects.create(organisation=org, user=person, kind="totp")
    other = Client()
    login(other, org, "piet")
    response = console.post(url(org, person, "password"), {"password": "een-nieuw-lang-wachtwoord-42"})
    assert response.status_code == 302 and response["Location"].endswith("?done=password")
    assert not Authenticator.objects.filter(user=person).exists()
    assert not Session.objects.filter(user=person).exists()
    (mail,) = mails_to(person.email)
    assert mail.template == "password_set_by_admin" and "een-nieuw-lang-wachtwoord-42" in mail.text_body
    assert audited("password.set_by_admin", actor=admin, subject=person)
    assert login(Client(), org, "piet", "een-nieuw-lang-wachtwoord-42").status_code == 302


def test_set_password_refuses_a_weak_one(console, org, person):
    response = console.post(url(org, person, "password"), {"password": "kort"})
    assert response.status_code == 200 and response.context["form"].errors
    assert mails_to(person.email) == [] and login(Client(), org, "piet").status_code == 302


def test_set_password_page_suggests_a_strong_password(console, org, person):
    page = console.get(url(org, person, "password"))
    assert len(page.context["form"].initial["password"]) >= 20


def test_block_with_reason_shown_to_the_user_and_unblock(console, org, admin, person):
    other = Client()
    login(other, org, "piet")
    response = console.post(url(org, person, "block"), {"reason": "Contract beëindigd"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == "blocked" and not Session.objects.filter(user=person).exists()
    assert audited("user.blocked", actor=admin, subject=person)
    refused = login(Client(), org, "piet", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403 and "Reason: Contract beëindigd" in refused.content.decode()
    assert console.post(url(org, person, "unblock")).status_code == 302
    assert audited("user.unblocked", actor=admin, subject=person)
    assert login(Client(), org, "piet").status_code == 302


def test_admin_cannot_block_themselves(console, org, admin):
    assert console.post(url(org, admin, "block"), {"reason": "x"}).status_code == 400
    admin.refresh_from_db()
    assert admin.status == "active"


def test_unblock_of_a_user_who_is_not_blocked_is_refused(console, org, person):
    assert console.post(url(org, person, "unblock")).status_code == 400


def test_lift_a_lock(console, org, admin, person):
    org.policy.captcha_after_failures, org.policy.captcha_after_source_failures = 100, 1000
    org.policy.save()
    for _ in range(10):
        login(Client(), org, "piet", "fout-wachtwoord-fout")
    person.refresh_from_db()
    assert "Lift lock-out" in console.get(url(org, person) + "?lang=en").content.decode()
    assert login(Client(), org, "piet").status_code == 403  # locked
    assert console.post(url(org, person, "unlock")).status_code == 302
    assert audited("account.unlocked", actor=admin, subject=person)
    assert login(Client(), org, "piet").status_code == 302


def test_assign_roles(console, org, admin, person):
    beheerder = Role.objects.get(organisation=org, name="beheerder")
    assert console.post(url(org, person, "roles"), {"roles": [beheerder.pk]}).status_code == 302
    assert list(person.roles.all()) == [beheerder]
    assert audited("user.roles_changed", actor=admin, subject=person, reason="beheerder")


def test_admin_cannot_take_their_own_console_rights(console, org, admin):
    medewerker = Role.objects.get(organisation=org, name="medewerker")
    assert console.post(url(org, admin, "roles"), {"roles": [medewerker.pk]}).status_code == 400
    assert admin.roles.filter(console_access=True).exists()


def test_require_second_step(console, org, admin, person):
    assert console.post(url(org, person, "second-step"), {"required": "on"}).status_code == 302
    person.refresh_from_db()
    assert person.second_step_required
    assert audited("user.second_step_required", actor=admin, subject=person, reason="on")
    console.post(url(org, person, "second-step"), {})
    person.refresh_from_db()
    assert not person.second_step_required


def test_remove_second_step(console, org, admin, person):
    Authenticator.objects.create(organisation=org, user=person, kind="totp")
    assert console.get(url(org, person, "second-step/remove")).status_code == 200
    assert console.post(url(org, person, "second-step/remove")).status_code == 302
    assert not Authenticator.objects.filter(user=person).exists()
    assert audited("second_step.removed", actor=admin, subject=person)


def test_see_and_end_a_session(console, org, admin, person):
    other = Client(HTTP_USER_AGENT="Testbrowser/1.0")
    login(other, org, "piet")
    session = Session.objects.get(user=person)
    page = console.get(url(org, person)).content.decode()
    assert "Testbrowser/1.0" in page
    assert console.post(url(org, person, f"sessions/{session.session_key}/end")).status_code == 302
    assert not Session.objects.filter(user=person).exists()
    assert other.get(f"/{org.slug}/dashboard").status_code == 302
    assert audited("session.ended", actor=admin, subject=person)
    # Ending it again: it is gone.
    assert console.post(url(org, person, f"sessions/{session.session_key}/end")).status_code == 400


def test_delete_user(console, org, admin, person):
    assert console.get(url(org, person, "delete")).status_code == 200
    response = console.post(url(org, person, "delete"))
    assert response.status_code == 302 and response["Location"].endswith("/console/users/?done=deleted")
    assert not User.objects.filter(pk=person.pk).exists()
    event = AuditEvent.objects.get(type="user.deleted", actor=admin)
    assert "piet" in event.subject_label


def test_admin_cannot_delete_themselves(console, org, admin):
    assert console.post(url(org, admin, "delete")).status_code == 400
    assert User.objects.filter(pk=admin.pk).exists()


def test_actions_need_csrf(org, admin, person):
    client = Client(enforce_csrf_checks=True)
    login_page = client.get(f"/{org.slug}/login")
    token = login_page.cookies["poortwachter-csrf"].value
    client.post(f"/{org.slug}/login", {"identifier": admin.username, "password": factories.PASSWORD,
                                       "csrfmiddlewaretoken": token})
    assert client.post(url(org, person, "block"), {"reason": "x"}).status_code == 403
    person.refresh_from_db()
    assert person.status == "active"


# --- another organisation ------------------------------------------------------------------

ACTIONS = ["activation", "email", "reset-link", "password", "block", "unblock", "unlock", "roles",
           "second-step", "second-step/remove", "delete", "sessions/x/end", ""]


@pytest.mark.parametrize("action", ACTIONS)
def test_admin_of_a_cannot_touch_users_of_b(console, org, other_org, action):
    stranger = factories.user(other_org, username="vreemd", email="vreemd@example.nl")
    Authenticator.objects.create(organisation=other_org, user=stranger, kind="totp")
    data = {"email": "overgenomen@example.nl", "password": "een-nieuw-lang-wachtwoord-42", "reason": "x",
            "roles": [Role.objects.get(organisation=other_org, name="beheerder").pk], "required": "on"}
    assert console.get(url(org, stranger, action)).status_code in (404, 405)
    assert console.post(url(org, stranger, action), data).status_code in ((404, 405) if action == "" else (404,))
    stranger.refresh_from_db()
    assert (stranger.email, stranger.status, stranger.second_step_required) == ("vreemd@example.nl", "active", False)
    assert Authenticator.objects.filter(user=stranger).exists() and OutboxMessage.objects.count() == 0


def test_admin_cannot_give_a_role_of_another_organisation(console, org, other_org, person):
    foreign = Role.objects.get(organisation=other_org, name="beheerder")
    assert console.post(url(org, person, "roles"), {"roles": [foreign.pk]}).status_code == 400
    assert not person.roles.filter(pk=foreign.pk).exists()
