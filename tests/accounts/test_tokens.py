"""The rules of tokens sent by e-mail: hashed, single use, one purpose, expiring, and killed
by a newer token or a password change."""

import threading
import time
from datetime import timedelta

import pytest

from poortwachter.accounts import services, tokens
from poortwachter.accounts.tokens import EmailToken, Purpose, State
from tests import factories

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def test_only_a_hash_is_stored_and_the_token_is_long(user):
    raw = tokens.issue(user, Purpose.PASSWORD_RESET, HOUR)
    stored = EmailToken.objects.get()
    assert raw not in (stored.digest, str(stored.data)) and len(stored.digest) == 64
    assert len(raw) >= 43  # 256 bits, URL-safe base64


def test_single_use(user):
    raw = tokens.issue(user, Purpose.PASSWORD_RESET, HOUR)
    assert tokens.redeem(raw, Purpose.PASSWORD_RESET, user.organisation).state == State.VALID
    assert tokens.redeem(raw, Purpose.PASSWORD_RESET, user.organisation).state == State.USED


def test_expiry_follows_the_clock(user, clock):
    raw = tokens.issue(user, Purpose.PASSWORD_RESET, HOUR)
    clock.advance(timedelta(minutes=59))
    assert tokens.check(raw, Purpose.PASSWORD_RESET, user.organisation).state == State.VALID
    clock.advance(timedelta(minutes=1, seconds=1))
    assert tokens.redeem(raw, Purpose.PASSWORD_RESET, user.organisation).state == State.EXPIRED


def test_token_of_one_purpose_is_refused_for_another(user):
    raw = tokens.issue(user, Purpose.MAGIC_LINK, HOUR)
    for other in (Purpose.PASSWORD_RESET, Purpose.ACTIVATION, Purpose.EMAIL_CHANGE):
        assert tokens.redeem(raw, other, user.organisation).state == State.UNKNOWN
    assert tokens.redeem(raw, Purpose.MAGIC_LINK, user.organisation).state == State.VALID


def test_token_of_organisation_a_means_nothing_at_b(user):
    other = factories.organisation()
    raw = tokens.issue(user, Purpose.PASSWORD_RESET, HOUR)
    assert tokens.redeem(raw, Purpose.PASSWORD_RESET, other).state == State.UNKNOWN


def test_token_names_its_own_user_only(org):
    x, y = factories.user(org), factories.user(org)
    raw = tokens.issue(x, Purpose.PASSWORD_RESET, HOUR)
    assert tokens.redeem(raw, Purpose.PASSWORD_RESET, org).token.user_id == x.id != y.id


def test_new_token_kills_the_older_ones_of_that_purpose_only(user):
    old_reset = tokens.issue(user, Purpose.PASSWORD_RESET, HOUR)
    magic = tokens.issue(user, Purpose.MAGIC_LINK, HOUR)
    new_reset = tokens.issue(user, Purpose.PASSWORD_RESET, HOUR)
    org = user.organisation
    assert tokens.check(old_reset, Purpose.PASSWORD_RESET, org).state == State.UNKNOWN
    assert tokens.check(new_reset, Purpose.PASSWORD_RESET, org).state == State.VALID
    assert tokens.check(magic, Purpose.MAGIC_LINK, org).state == State.VALID


def test_password_change_kills_every_outstanding_token(user):
    reset = tokens.issue(user, Purpose.PASSWORD_RESET, HOUR)
    magic = tokens.issue(user, Purpose.MAGIC_LINK, HOUR)
    services.set_password(user, "een-gloednieuw-wachtwoord")
    assert tokens.check(reset, Purpose.PASSWORD_RESET, user.organisation).state == State.UNKNOWN
    assert tokens.check(magic, Purpose.MAGIC_LINK, user.organisation).state == State.UNKNOWN


@pytest.mark.parametrize("tampered", ["", "x", "a" * 43, "é" * 43, "\ud800", "a" * 10000])
def test_tampered_or_truncated_tokens_are_unknown(user, tampered):
    raw = tokens.issue(user, Purpose.PASSWORD_RESET, HOUR)
    assert tokens.check(tampered, Purpose.PASSWORD_RESET, user.organisation).state == State.UNKNOWN
    assert tokens.check(raw[:-1], Purpose.PASSWORD_RESET, user.organisation).state == State.UNKNOWN


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_redemptions_have_one_winner():
    org = factories.organisation()
    user = factories.user(org)
    raw = tokens.issue(user, Purpose.PASSWORD_RESET, HOUR)
    results, barrier = [], threading.Barrier(8)

    def redeem():
        from django.db import OperationalError, connection

        barrier.wait()
        try:
            for _ in range(50):  # SQLite's shared in-memory test database may say "locked"
                try:
                    results.append(tokens.redeem(raw, Purpose.PASSWORD_RESET, org).state)
                    return
                except OperationalError:
                    time.sleep(0.01)
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [State.USED] * 7 + [State.VALID]
