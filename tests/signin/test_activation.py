"""Activation: the welcome e-mail of a user made without a password, its link (valid 14
days, works once, dies when a new one is sent), choosing the first password and being
signed in. Over HTTP, with the real SMTP server and the fake clock."""

from datetime import timedelta

import pytest

from poortwachter import cli
from poortwachter.accounts.models import User, UserStatus
from poortwachter.accounts.tokens import EmailToken, Purpose
from poortwachter.security.audit import AuditEvent, Event
from poortwachter.signin.activation import flow
from poortwachter.tenants.services import set_status
from tests import factories
from tests.mailbox import path_of
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://inloggen.example.nl"
NEW = "zeven-blauwe-fietsen-in-de-regen"


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PUBLIC_URL = PUBLIC_URL


@pytest.fixture
def pending(org):
    return factories.user(org, email="nieuw@example.nl", username="nieuw", password=None)


def welcome_mail(smtp, user):
    flow.send_welcome(user)
    smtp.deliver()
    return smtp.last_to(user.email)


def activation_path(mail) -> str:
    [link] = [link for link in mail.links() if "/activate/" in link]
    return path_of(link, PUBLIC_URL)


def open_link(client, smtp, user):
    """Follow the link of a fresh welcome e-mail; returns the redirect response."""
    return client.get(activation_path(welcome_mail(smtp, user)))


def choose(client, org, password=NEW, confirm=None):
    return client.post(f"/{org.slug}/activate", {"new_password": password,
                                                 "confirm_password": password if confirm is None else confirm})


def still_pending(user) -> bool:
    user.refresh_from_db()
    return user.status == UserStatus.PENDING and not user.has_usable_password() and user.activated_at is None


def test_createuser_without_password_sends_welcome_mail_with_both_links(org, smtp, capsys):
    assert cli.main(["createuser", org.slug, "welkom@example.nl", "--username", "welkom"]) == 0
    assert "welkomstmail" in capsys.readouterr().out
    [mail] = smtp.deliver()
    assert mail.to == ["welkom@example.nl"]
    assert mail.subject == f"Activeer uw account bij {org.name}"
    assert f"{PUBLIC_URL}/{org.slug}/activate/" in mail.text
    assert f"{PUBLIC_URL}/{org.slug}/login" in mail.links()  # the address to bookmark
    assert "14 dagen geldig" in mail.text and "welkom" in mail.text
    assert "Nu activeren" in mail.html and f"{PUBLIC_URL}/{org.slug}/activate/" in mail.html


def test_createuser_with_password_sends_no_welcome_mail(org, smtp, capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("een-lange-zin-als-wachtwoord\n"))
    assert cli.main(["createuser", org.slug, "actief@example.nl", "--password-stdin"]) == 0
    assert smtp.deliver() == []


def test_welcome_mail_links_come_from_public_url_never_the_host_header(client, org, pending, smtp, settings):
    # A pending account asking "forgot my password" gets the welcome e-mail again; the
    # request came with a forged Host (a proxy that passes it on).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    client.post(f"/{org.slug}/password/forgot", {"identifier": "nieuw@example.nl"},
                HTTP_HOST="evil.example", HTTP_X_FORWARDED_HOST="evil.example")
    [mail] = smtp.deliver()
    assert mail.subject == f"Activeer uw account bij {org.name}"
    for part in (mail.subject, mail.text, mail.html):
        assert "evil.example" not in part
    assert mail.links() and all(link.startswith(PUBLIC_URL + "/") for link in mail.links())


def test_activation_sets_the_password_and_signs_in(client, org, pending, smtp, clock):
    opened = open_link(client, smtp, pending)
    # The token leaves the address bar before anything is typed.
    assert opened.status_code == 302 and opened["Location"] == f"/{org.slug}/activate"
    form = client.get(opened["Location"])
    page = form.content.decode()
    assert form.status_code == 200 and "Activeer uw account" in page and "nieuw@example.nl" in page
    assert "/static/strength.js" in page and 'data-strength-min="15"' in page
    assert "Wachtwoordsterkte" in page and "zwak" in page and "sterk" in page

    clock.advance(timedelta(minutes=5))
    done = choose(client, org)
    assert done.status_code == 302 and done["Location"] == f"/{org.slug}/dashboard"  # medewerker's landing page
    assert client.get(f"/{org.slug}/dashboard").status_code == 200
    user = User.objects.get(pk=pending.pk)
    assert user.status == UserStatus.ACTIVE and user.check_password(NEW)
    assert user.activated_at == user.password_changed_at
    assert abs(user.activated_at - clock.now()) < timedelta(seconds=5)  # the moved clock, not the real one
    assert EmailToken.objects.get(user=user, purpose=Purpose.ACTIVATION).used_at is not None
    audited = list(AuditEvent.objects.filter(subject=user).order_by("id").values_list("type", flat=True))
    assert audited == [Event.ACTIVATION_SENT, Event.ACCOUNT_ACTIVATED, Event.SIGNIN_SUCCEEDED]


def test_activated_person_can_sign_in_later_with_the_new_password(client, org, pending, smtp):
    open_link(client, smtp, pending)
    choose(client, org)
    client.logout()
    assert login(client, org, "nieuw", NEW)["Location"] == f"/{org.slug}/dashboard"


@pytest.mark.parametrize("password, confirm, expected", [
    ("kort", None, "Het wachtwoord is te kort: gebruik minstens 15 tekens."),
    ("wachtwoordwachtwoord", None, "veelgebruikte wachtwoorden"),
    ("nieuw@example.nl", None, "mag niet gelijk zijn aan uw naam"),
    (NEW, NEW + "!", "De twee wachtwoorden zijn niet gelijk."),
    ("", "", "Dit veld is verplicht."),
    ("x" * 10_000, None, "Dit is te lang"),
])
def test_refused_password_is_explained_in_dutch_and_changes_nothing(client, org, pending, smtp,
                                                                    password, confirm, expected):
    open_link(client, smtp, pending)
    refused = choose(client, org, password, confirm)
    assert refused.status_code == 200 and expected in refused.content.decode()
    assert 'role="alert"' in refused.content.decode()
    assert still_pending(pending) and "_auth_user_id" not in client.session
    # The link was not used up by the refusal.
    assert choose(client, org)["Location"] == f"/{org.slug}/dashboard"


def test_link_is_valid_for_14_days(client, org, pending, smtp, clock):
    path = activation_path(welcome_mail(smtp, pending))
    clock.advance(timedelta(days=14) - timedelta(minutes=1))
    assert client.get(path).status_code == 302


def test_link_older_than_14_days_explains_whom_to_ask(client, org, pending, smtp, clock):
    path = activation_path(welcome_mail(smtp, pending))
    clock.advance(timedelta(days=14, minutes=1))
    expired = client.get(path)
    page = expired.content.decode()
    assert expired.status_code == 410
    assert "ouder dan 14 dagen" in page and "contactpersoon" in page and org.name in page
    assert still_pending(pending)


def test_link_expiry_follows_the_organisation_policy(client, smtp, clock):
    org = factories.organisation(policy={"activation_link_days": 3})
    user = factories.user(org, password=None)
    path = activation_path(welcome_mail(smtp, user))
    clock.advance(timedelta(days=3, minutes=1))
    assert "ouder dan 3 dagen" in client.get(path).content.decode()


def test_link_expiring_while_the_form_is_open_changes_nothing(client, org, pending, smtp, clock):
    open_link(client, smtp, pending)
    clock.advance(timedelta(days=15))
    response = choose(client, org)
    assert response.status_code == 410 and "ouder dan 14 dagen" in response.content.decode()
    assert still_pending(pending)


def test_used_link_says_the_account_is_already_active(client, org, pending, smtp):
    path = activation_path(welcome_mail(smtp, pending))
    client.get(path)
    choose(client, org)
    again = fresh_client().get(path)
    page = again.content.decode()
    assert again.status_code == 200 and "Uw account is al actief" in page
    assert f'href="/{org.slug}/login"' in page


def test_second_submission_of_the_form_changes_nothing(client, org, pending, smtp):
    open_link(client, smtp, pending)
    choose(client, org)
    second = choose(client, org, "een-heel-ander-wachtwoord-2031")
    assert second.status_code == 400 and "Open de link uit uw e-mail opnieuw" in second.content.decode()
    pending.refresh_from_db()
    assert pending.check_password(NEW)


def test_resending_makes_the_older_link_invalid(client, org, pending, smtp, capsys):
    old = activation_path(welcome_mail(smtp, pending))
    assert cli.main(["resendactivation", org.slug, "nieuw@example.nl"]) == 0
    assert "eerdere links werken niet meer" in capsys.readouterr().out
    smtp.deliver()
    new = activation_path(smtp.last_to("nieuw@example.nl"))
    assert new != old
    refused = client.get(old)
    assert refused.status_code == 404 and "nieuwere welkomstmail" in refused.content.decode()
    assert client.get(new)["Location"] == f"/{org.slug}/activate"


def test_resendactivation_refuses_active_and_unknown_users(org, user, capsys):
    assert cli.main(["resendactivation", org.slug, user.email]) == 2
    assert "al actief" in capsys.readouterr().err
    assert cli.main(["resendactivation", org.slug, "niemand@example.nl"]) == 2
    assert "geen gebruiker" in capsys.readouterr().err


def test_tampered_and_truncated_tokens_get_a_clear_message(client, org, pending, smtp):
    path = activation_path(welcome_mail(smtp, pending))
    token = path.rsplit("/", 1)[1]
    flipped = ("A" if token[0] != "A" else "B") + token[1:]
    for bad in (token[:-1], token[:10], token + "x", flipped, "x" * 10_000, "%00", "..%2F..%2Fetc"):
        response = client.get(f"/{org.slug}/activate/{bad}")
        assert response.status_code == 404, bad
        assert "Deze activatielink werkt niet" in response.content.decode()
    assert "activation_token" not in client.session
    assert still_pending(pending)


def test_form_page_without_a_link_explains(client, org):
    response = client.get(f"/{org.slug}/activate")
    assert response.status_code == 400 and "Open de link uit uw e-mail opnieuw" in response.content.decode()


def test_link_of_one_organisation_does_nothing_at_another(client, pending, smtp):
    other = factories.organisation()
    token = activation_path(welcome_mail(smtp, pending)).rsplit("/", 1)[1]
    assert client.get(f"/{other.slug}/activate/{token}").status_code == 404
    assert still_pending(pending)


def test_activation_in_a_blocked_organisation_saves_the_password_but_does_not_sign_in(client, org, pending, smtp):
    open_link(client, smtp, pending)
    set_status(org, "blocked_payment")
    refused = choose(client, org)
    assert refused.status_code == 403 and "_auth_user_id" not in client.session
    pending.refresh_from_db()
    assert pending.status == UserStatus.ACTIVE and pending.check_password(NEW)


def test_welcome_mail_and_pages_in_english(client, org, smtp):
    user = factories.user(org, email="english@example.nl", password=None)
    User.objects.filter(pk=user.pk).update(language="en")
    user.refresh_from_db()
    mail = welcome_mail(smtp, user)
    assert mail.subject == f"Activate your account at {org.name}"
    assert "valid for 14 days" in mail.text
    client.get(activation_path(mail))
    page = client.get(f"/{org.slug}/activate?lang=en").content.decode()
    assert "Activate your account" in page and "Password strength" in page


def fresh_client():
    from django.test import Client

    return Client()
