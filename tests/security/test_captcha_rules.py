"""When the login form demands a CAPTCHA (the seeds: after three wrong attempts), and that a
missing CAPTCHA is refused before any password hash is computed."""

import pytest

from poortwachter.security.audit import AuditEvent
from tests import factories
from tests.captcha_solver import easy_captcha, solve  # noqa: F401 (fixture)
from tests.signin.helpers import CountingVerifies, login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("easy_captcha")]
WRONG = "helemaal-niet-het-wachtwoord"


def shows_captcha(response) -> bool:
    return "<altcha-widget" in response.content.decode()


@pytest.fixture
def bob(org):
    return factories.user(org, username="bob", email="bob@example.nl")


def test_form_has_no_captcha_until_three_failures(client, org, bob):
    assert not shows_captcha(client.get(f"/{org.slug}/login"))
    assert not shows_captcha(login(client, org, "bob", WRONG))
    assert not shows_captcha(login(client, org, "bob", WRONG))
    assert shows_captcha(login(client, org, "bob", WRONG))  # the next one needs it


def test_fourth_attempt_without_captcha_is_refused_even_with_the_right_password(client, org, bob, monkeypatch):
    for _ in range(3):
        login(client, org, "bob", WRONG)
    verifies = CountingVerifies(monkeypatch)
    response = login(client, org, "bob")
    assert response.status_code == 200 and shows_captcha(response)
    assert "Bevestig eerst dat u een mens bent" in response.content.decode()
    assert verifies.count == 0  # refused before the hash
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(type="captcha.demanded", subject=bob).exists()


def test_solved_captcha_lets_the_right_password_in_and_resets_the_count(client, org, bob):
    for _ in range(3):
        login(client, org, "bob", WRONG)
    response = login(client, org, "bob", altcha=solve(client, org))
    assert response.status_code == 302
    client.post(f"/{org.slug}/logout")
    for _ in range(2):  # counting starts again: two more failures need no CAPTCHA
        assert not shows_captcha(login(client, org, "bob", WRONG))


def test_solved_captcha_with_a_wrong_password_still_counts(client, org, bob, monkeypatch):
    for _ in range(3):
        login(client, org, "bob", WRONG)
    verifies = CountingVerifies(monkeypatch)
    response = login(client, org, "bob", WRONG, altcha=solve(client, org))
    assert response.status_code == 200 and shows_captcha(response) and verifies.count == 1


def test_a_solution_works_once(client, org, bob):
    for _ in range(3):
        login(client, org, "bob", WRONG)
    solution = solve(client, org)
    login(client, org, "bob", WRONG, altcha=solution)
    replay = login(client, org, "bob", altcha=solution)
    assert replay.status_code == 200 and "_auth_user_id" not in client.session


def test_refusals_without_captcha_never_lock_the_account(client, org, bob):
    """Sending requests without solving anything must not let a stranger lock Bob out."""
    for _ in range(3):
        login(client, org, "bob", WRONG)
    for _ in range(60):
        login(client, org, "bob", WRONG)  # refused for the missing CAPTCHA, not counted
    bob.refresh_from_db()
    assert bob.locked_at is None
    assert login(client, org, "bob", altcha=solve(client, org)).status_code == 302


def test_unknown_names_demand_the_captcha_at_the_same_moment(client, org, bob):
    for name in ("bob", "niemand"):
        for _ in range(3):
            login(client, org, name, WRONG)
    assert shows_captcha(login(client, org, "bob", WRONG)) == shows_captcha(login(client, org, "niemand", WRONG))


def test_one_source_spraying_many_names_gets_the_captcha(client, org, bob):
    for i in range(10):  # policy: 10 failures from one address, any accounts
        login(client, org, f"naam{i}", WRONG)
    assert shows_captcha(client.get(f"/{org.slug}/login"))
    assert "_auth_user_id" not in login(client, org, "bob").wsgi_request.session


def test_a_flood_without_captcha_writes_one_audit_row_and_counts_nothing(client, org, bob):
    from poortwachter.security import attempts, counters

    for _ in range(3):
        login(client, org, "bob", WRONG)
    for _ in range(30):
        login(client, org, "bob", WRONG)
    assert AuditEvent.objects.filter(type="captcha.demanded").count() == 1
    assert AuditEvent.objects.filter(type="signin.failed").count() == 3
    assert counters.get(attempts.account_key(org, bob, "bob")) == 3


def test_a_flood_that_goes_on_is_audited_again_each_hour(client, org, bob, clock):
    from datetime import timedelta

    for _ in range(3):
        login(client, org, "bob", WRONG)
    for _ in range(3):
        for _ in range(5):
            login(client, org, "bob", WRONG)
        clock.advance(timedelta(minutes=61))
    assert AuditEvent.objects.filter(type="captcha.demanded").count() == 3
