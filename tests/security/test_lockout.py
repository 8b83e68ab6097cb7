"""Lock-out: after 10 consecutive failures a temporary lock from 1 minute, doubling, at
most an hour; after 50 locked until a password reset or an administrator lifts it. While
locked a wrong password gets the ordinary answer; only the right one learns of the lock."""

from datetime import timedelta

import pytest

from poortwachter import cli
from poortwachter.accounts.services import set_password
from poortwachter.security import attempts
from poortwachter.security.audit import AuditEvent
from tests import factories
from tests.signin.helpers import login, without_tokens

pytestmark = pytest.mark.django_db
WRONG = "helemaal-niet-het-wachtwoord"


@pytest.fixture
def org(db):
    # The CAPTCHA is tested on its own (test_captcha_rules); here it stays out of the way.
    return factories.organisation(policy={"captcha_after_failures": 100, "captcha_after_source_failures": 1000})


@pytest.fixture
def bob(org):
    return factories.user(org, username="bob", email="bob@example.nl")


def fail(client, org, times, identifier="bob"):
    for _ in range(times):
        assert login(client, org, identifier, WRONG).status_code == 200


def is_locked_message(response) -> bool:
    return response.status_code == 403 and "Te veel aanmeldpogingen" in response.content.decode()


def test_nine_failures_do_not_lock(client, org, bob):
    fail(client, org, 9)
    assert login(client, org, "bob").status_code == 302


def test_tenth_failure_locks_for_one_minute(client, org, bob, clock):
    fail(client, org, 10)
    response = login(client, org, "bob")
    assert is_locked_message(response) and "nog 1 minuut" in response.content.decode()
    clock.advance(timedelta(seconds=61))
    assert login(client, org, "bob").status_code == 302


def test_lock_doubles_with_each_further_failure_up_to_an_hour(org):
    policy = org.policy
    assert [attempts.lock_seconds(policy, n) for n in (9, 10, 11, 12, 13, 15, 16, 30, 49)] == \
        [0, 60, 120, 240, 480, 1920, 3600, 3600, 3600]


def test_failures_during_a_lock_extend_it(client, org, bob, clock):
    fail(client, org, 10)
    clock.advance(timedelta(seconds=61))
    fail(client, org, 1)  # the 11th: two minutes
    clock.advance(timedelta(seconds=90))
    assert is_locked_message(login(client, org, "bob"))
    clock.advance(timedelta(seconds=31))
    assert login(client, org, "bob").status_code == 302


def test_while_locked_a_wrong_password_gets_the_ordinary_answer(client, org, bob):
    fail(client, org, 10)
    locked_wrong = login(client, org, "bob", WRONG)
    unknown = login(client, org, "niemand-hier", WRONG)
    assert locked_wrong.status_code == unknown.status_code == 200
    assert "Te veel aanmeldpogingen" not in locked_wrong.content.decode()
    assert without_tokens(locked_wrong.content.decode()).replace("bob", "X") == \
        without_tokens(unknown.content.decode()).replace("niemand-hier", "X")


def test_fifty_failures_lock_until_a_password_reset(client, org, bob, clock):
    for _ in range(50):
        fail(client, org, 1)
        clock.advance(timedelta(hours=1, seconds=1))  # wait out every temporary lock
    clock.advance(timedelta(hours=23))
    response = login(client, org, "bob")
    assert is_locked_message(response) and "totdat het wachtwoord opnieuw is ingesteld" in response.content.decode()
    bob.refresh_from_db()
    assert bob.locked_at is not None
    set_password(bob, "na-de-reset-een-nieuw-wachtwoord")
    assert login(client, org, "bob", "na-de-reset-een-nieuw-wachtwoord").status_code == 302


def test_administrator_lifts_the_lock(client, org, bob, capsys):
    fail(client, org, 10)
    assert is_locked_message(login(client, org, "bob"))
    assert cli.main(["unlock", org.slug, "bob"]) == 0
    assert login(client, org, "bob").status_code == 302
    assert AuditEvent.objects.filter(type="account.unlocked", subject=bob).exists()


def test_success_resets_the_count(client, org, bob):
    fail(client, org, 9)
    assert login(client, org, "bob").status_code == 302
    client.post(f"/{org.slug}/logout")
    fail(client, org, 9)
    assert login(client, org, "bob").status_code == 302


@pytest.mark.parametrize("spellings", [("bob", "Bob", "BOB", "ＢＯＢ", "bob@example.nl", " Bob@Example.NL ")])
def test_every_spelling_of_the_account_shares_one_counter(client, org, bob, spellings):
    for i in range(10):
        fail(client, org, 1, identifier=spellings[i % len(spellings)])
    assert is_locked_message(login(client, org, "bob@example.nl"))


def test_lock_is_audited_and_the_owner_gets_one_mail(client, org, bob, smtp):
    fail(client, org, 12)
    assert AuditEvent.objects.filter(type="account.locked", subject=bob).count() == 3
    mails = smtp.deliver()
    assert [m.to for m in mails] == [["bob@example.nl"]]
    assert "geblokkeerd" in mails[0].subject and "/password/forgot" in mails[0].text


def test_unknown_names_lock_like_known_ones_without_revealing_anything(client, org):
    fail(client, org, 12, identifier="bestaat-niet")
    response = login(client, org, "bestaat-niet", WRONG)
    assert response.status_code == 200 and "horen niet bij elkaar" in response.content.decode()


def test_locks_are_per_organisation(client, org, bob):
    other = factories.organisation(policy={"captcha_after_failures": 100, "captcha_after_source_failures": 1000})
    factories.user(other, username="bob")
    fail(client, org, 10)
    assert login(client, other, "bob").status_code == 302
