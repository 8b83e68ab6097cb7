"""Operator sign-in at /_operator/login: one answer for unknown names and wrong passwords,
failures counted per name and per address with a growing lock, audit rows, session limits,
and the separation from organisation users."""

from datetime import timedelta

import pytest
from django.test import Client

from poortwachter.operators.accounts import create_operator
from poortwachter.operators.models import Operator
from poortwachter.security.audit import AuditEvent
from tests import factories
from tests.operators.conftest import OPERATOR_PASSWORD, english, sign_in
from tests.signin.helpers import CountingVerifies, login, without_tokens

pytestmark = pytest.mark.django_db


def events(type_):
    return AuditEvent.objects.filter(type=type_)


def test_operator_signs_in_with_a_new_session_key_and_an_audit_row(operator):
    client = english(Client())
    page = client.get("/_operator/login")
    assert page.status_code == 200 and b"Operator sign-in" in page.content
    client.session.save()
    before = client.session.session_key
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/_operator/organisations/"
    assert client.session.session_key != before
    assert client.session["operator_id"] == operator.pk
    assert client.get("/_operator/organisations/").status_code == 200
    row = events("operator.signin_succeeded").get()
    assert row.subject_label == "operator:beheer" and row.source == "127.0.0.1"
    operator.refresh_from_db()
    assert operator.last_login is not None


def test_name_is_compared_without_case(operator):
    assert sign_in(english(Client()), name="  BEHEER ").status_code == 302


def test_unknown_name_and_wrong_password_get_the_same_answer_and_one_hash_each(operator, monkeypatch):
    verifies = CountingVerifies(monkeypatch)
    unknown = sign_in(english(Client()), name="niemand", password="whatever-it-is")
    wrong = sign_in(english(Client()), password="not-the-password-at-all")
    assert unknown.status_code == wrong.status_code == 200
    assert b"do not match" in wrong.content
    assert without_tokens(unknown.content.decode()).replace("niemand", "beheer") == \
        without_tokens(wrong.content.decode())
    assert verifies.count == 2  # the unknown name verified the dummy hash
    reasons = sorted(events("operator.signin_failed").values_list("reason", flat=True))
    assert reasons == ["unknown_name", "wrong_password"]


def test_login_form_without_csrf_token_is_refused(operator):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/_operator/login", {"name": "beheer", "password": OPERATOR_PASSWORD})
    assert response.status_code == 403
    assert "operator_id" not in client.session


def test_five_failures_lock_the_name_and_the_lock_grows(operator, clock):
    client = english(Client())
    for _ in range(5):
        assert sign_in(client, password="wrong-password-typed").status_code == 200
    assert events("operator.locked").count() == 1
    # Locked: even the right password is refused, without looking at it.
    locked = sign_in(client)
    assert locked.status_code == 429 and b"Try again in 1 minute" in locked.content
    assert "operator_id" not in client.session
    clock.advance(timedelta(seconds=61))
    # One try after the lock; wrong again: the lock doubles.
    assert sign_in(client, password="wrong-password-typed").status_code == 200
    assert b"Try again in 2 minutes" in sign_in(client).content
    clock.advance(timedelta(seconds=121))
    assert sign_in(client).status_code == 302


def test_a_successful_sign_in_starts_the_count_again(operator, clock):
    client = english(Client())
    for _ in range(4):
        sign_in(client, password="wrong-password-typed")
    assert sign_in(client).status_code == 302
    other = english(Client())
    for _ in range(4):
        assert sign_in(other, password="wrong-password-typed").status_code == 200
    assert sign_in(other).status_code == 302


def test_unknown_names_lock_like_real_ones(operator):
    client = english(Client())
    for _ in range(5):
        sign_in(client, name="niemand", password="wrong-password-typed")
    assert sign_in(client, name="niemand", password="wrong-password-typed").status_code == 429
    # Another name from elsewhere is not affected.
    assert sign_in(english(Client(REMOTE_ADDR="10.0.0.9"))).status_code == 302


def test_many_names_from_one_address_lock_the_address(operator):
    client = english(Client(REMOTE_ADDR="10.1.2.3"))
    for n in range(20):
        assert sign_in(client, name=f"gok{n}", password="wrong-password-typed").status_code == 200
    assert sign_in(client).status_code == 429
    assert sign_in(english(Client(REMOTE_ADDR="10.9.9.9"))).status_code == 302


def test_locked_attempts_never_reach_the_hash(operator, monkeypatch):
    client = english(Client())
    for _ in range(5):
        sign_in(client, password="wrong-password-typed")
    verifies = CountingVerifies(monkeypatch)
    for _ in range(3):
        assert sign_in(client, password="wrong-password-typed").status_code == 429
    assert verifies.count == 0


def test_sign_out_ends_the_session_and_is_audited(operator_client):
    response = operator_client.post("/_operator/logout")
    assert response.status_code == 302 and response["Location"] == "/_operator/login?signed_out=1"
    assert "operator_id" not in operator_client.session
    assert operator_client.get("/_operator/organisations/").status_code == 302
    assert events("operator.signout").get().subject_label == "operator:beheer"


def test_sign_out_needs_post(operator_client):
    assert operator_client.get("/_operator/logout").status_code == 405
    assert operator_client.get("/_operator/organisations/").status_code == 200


def test_an_hour_without_activity_ends_the_session(operator_client, clock):
    clock.advance(timedelta(minutes=59))
    assert operator_client.get("/_operator/organisations/").status_code == 200
    clock.advance(timedelta(minutes=61))
    response = operator_client.get("/_operator/organisations/")
    assert response.status_code == 302 and "ended=idle" in response["Location"]
    assert b"inactive for an hour" in operator_client.get(response["Location"]).content
    assert events("operator.session_expired").get().reason == "idle"


def test_the_session_ends_after_twelve_hours_even_when_active(operator_client, clock):
    for _ in range(12):
        clock.advance(timedelta(minutes=59))
        assert operator_client.get("/_operator/organisations/").status_code == 200
    clock.advance(timedelta(minutes=13))  # 12 h 1 min after signing in, 13 min after the last page
    response = operator_client.get("/_operator/organisations/")
    assert response.status_code == 302 and "ended=absolute" in response["Location"]


def test_a_new_password_ends_existing_sessions(operator_client, operator):
    operator.set_password("een-ander-lang-wachtwoord-voor-beheer")
    operator.save()
    assert operator_client.get("/_operator/organisations/").status_code == 302


def test_sign_in_goes_back_to_the_page_asked_for_but_never_elsewhere(operator):
    client = english(Client())
    response = client.get("/_operator/terms/")
    assert response["Location"] == "/_operator/login?next=%2F_operator%2Fterms%2F"
    assert sign_in(client, next="/_operator/terms/")["Location"] == "/_operator/terms/"
    for bad in ("https://evil.example/", "//evil.example/_operator/", "/acme/console/", "/_operator/\\evil"):
        other = english(Client())
        assert sign_in(other, next=bad)["Location"] == "/_operator/organisations/"


# --- separation from organisation users ------------------------------------------------

def test_an_organisation_admin_session_gets_nothing_at_the_operator_console(org, operator):
    admin = factories.user(org, roles=["beheerder"])
    client = english(Client())
    assert login(client, org, admin.username).status_code == 302
    for path in ("/_operator/", "/_operator/organisations/", "/_operator/outbox/", "/_operator/terms/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/_operator/login")
    response = client.post("/_operator/organisations/new", {"slug": "stiekem", "name": "Stiekem"})
    assert response.status_code == 302
    from poortwachter.tenants.models import Organisation

    assert not Organisation.objects.filter(slug="stiekem").exists()


def test_an_organisation_user_cannot_sign_in_as_operator_with_their_own_password(org, operator):
    admin = factories.user(org, username="beheer", roles=["beheerder"])
    response = sign_in(english(Client()), name=admin.username, password=factories.PASSWORD)
    assert response.status_code == 200 and b"do not match" in response.content


def test_an_operator_session_is_not_signed_in_at_an_organisation(org, operator_client):
    response = operator_client.get(f"/{org.slug}/dashboard")
    assert response.status_code == 302 and response["Location"].startswith(f"/{org.slug}/login")
    assert operator_client.get(f"/{org.slug}/settings/").status_code == 302


def test_operator_sign_in_ends_an_organisation_sign_in_in_the_same_browser(org, operator):
    user = factories.user(org)
    client = english(Client())
    login(client, org, user.username)
    assert client.get(f"/{org.slug}/dashboard").status_code == 200
    sign_in(client)
    assert client.get(f"/{org.slug}/dashboard").status_code == 302


def test_an_organisation_sign_in_after_the_operator_one_ends_operator_access(org, operator_client):
    user = factories.user(org, roles=["beheerder"])
    login(operator_client, org, user.username)
    assert operator_client.get(f"/{org.slug}/dashboard").status_code == 200
    assert operator_client.get("/_operator/organisations/").status_code == 302


def test_a_deleted_operator_is_signed_out(operator_client, operator):
    Operator.objects.filter(pk=operator.pk).delete()
    assert operator_client.get("/_operator/organisations/").status_code == 302
    assert create_operator("beheer", OPERATOR_PASSWORD).pk != operator.pk


def test_after_a_lock_only_one_attempt_at_a_time_may_try(operator, clock):
    """Two guesses sent at once when a lock ends: the first takes the one try, the second is
    refused before any hash (attempts.begin is what each request runs first)."""
    from poortwachter.operators import attempts

    for _ in range(5):
        sign_in(english(Client()), password="wrong-password-typed")
    clock.advance(timedelta(seconds=61))
    first = attempts.begin("beheer", "127.0.0.1")
    assert first is not None
    assert attempts.begin("BEHEER", "127.0.0.1") is None


def test_pages_are_dutch_by_default_and_english_on_request(operator):
    assert Client().get("/_operator/login")["Content-Language"] == "nl"
    english_page = Client().get("/_operator/login?lang=en")
    assert english_page["Content-Language"] == "en" and b"Operator sign-in" in english_page.content


def test_an_attempt_refused_for_busy_hashing_frees_the_try_it_held(operator, clock):
    from poortwachter.operators import attempts

    for _ in range(5):
        sign_in(english(Client()), password="wrong-password-typed")
    clock.advance(timedelta(seconds=61))
    attempts.give_back(attempts.begin("beheer", "127.0.0.1"))
    assert attempts.begin("beheer", "127.0.0.1") is not None
