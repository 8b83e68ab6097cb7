"""Idle sign-out, the absolute limit, and signing out — enforced on the server."""

from datetime import timedelta

import pytest

from poortwachter.signin.models import Session
from tests import factories
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, org):
    user = factories.user(org, username="sessie")
    assert login(client, org, "sessie").status_code == 302
    return user


def test_twelve_hours_without_activity_signs_out(client, org, signed_in, clock):
    clock.advance(timedelta(hours=11, minutes=59))
    assert client.get(f"/{org.slug}/").status_code == 200  # activity resets the idle clock
    clock.advance(timedelta(hours=11, minutes=59))
    assert client.get(f"/{org.slug}/").status_code == 200
    clock.advance(timedelta(hours=12, minutes=1))
    response = client.get(f"/{org.slug}/")
    assert response.status_code == 302 and "ended=idle" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "U bent afgemeld omdat u lange tijd niet actief was" in page
    assert not Session.objects.filter(user=signed_in).exists()


def test_idle_limit_comes_from_the_organisation_policy(client, org, signed_in, clock):
    org.policy.idle_minutes = 30
    org.policy.save()
    clock.advance(timedelta(minutes=31))
    assert client.get(f"/{org.slug}/").status_code == 302


def test_absolute_limit_ends_even_an_active_session(client, org, signed_in, clock):
    for _ in range(65):  # active every 11 hours: 715 hours in all
        clock.advance(timedelta(hours=11))
        assert client.get(f"/{org.slug}/").status_code == 200
    clock.advance(timedelta(hours=5, minutes=1))  # 30 days and a minute
    response = client.get(f"/{org.slug}/")
    assert response.status_code == 302 and "ended=absolute" in response["Location"]


def test_sign_out_ends_the_server_side_session(client, org, signed_in):
    key = client.session.session_key
    response = client.post(f"/{org.slug}/logout")
    assert response["Location"] == f"/{org.slug}/login?signed_out=1"
    assert not Session.objects.filter(session_key=key).exists()
    assert "U bent afgemeld." in client.get(response["Location"]).content.decode()
    assert client.get(f"/{org.slug}/dashboard").status_code == 302


def test_sign_out_link_only_asks_for_confirmation(client, org, signed_in):
    page = client.get(f"/{org.slug}/logout")
    assert page.status_code == 200 and "Wilt u zich afmelden?" in page.content.decode()
    assert client.get(f"/{org.slug}/").status_code == 200  # still signed in


def test_stolen_cookie_is_useless_after_sign_out(client, org, signed_in):
    from django.test import Client

    stolen = client.cookies["poortwachter"].value
    client.post(f"/{org.slug}/logout")
    thief = Client()
    thief.cookies["poortwachter"] = stolen
    assert thief.get(f"/{org.slug}/").status_code == 302


def test_password_change_elsewhere_ends_the_session(client, org, signed_in):
    from poortwachter.accounts.services import set_password

    set_password(signed_in, "een-heel-ander-wachtwoord-nu")
    assert client.get(f"/{org.slug}/").status_code == 302


def test_session_ended_by_a_password_change_elsewhere_is_audited(client, org, signed_in):
    from poortwachter.accounts.services import set_password
    from poortwachter.security.audit import AuditEvent

    set_password(signed_in, "een-heel-ander-wachtwoord-nu")
    client.get(f"/{org.slug}/")
    event = AuditEvent.objects.get(type="session.expired")
    assert (event.subject_id, event.reason) == (signed_in.id, "password_changed")
