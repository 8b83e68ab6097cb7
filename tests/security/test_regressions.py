"""Regression tests for flaws published in peer products, and the timing of failures."""

import ipaddress
import re
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from poortwachter.accounts.models import UserStatus
from tests import factories
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db
WRONG = "helemaal-niet-het-wachtwoord"


def needs_captcha(response) -> bool:
    return "<altcha-widget" in response.content.decode()


def test_username_and_email_share_one_counter_authelia_cve_2025_24806(client, org):
    """Authelia counted failures per typed string, so alternating username and e-mail doubled
    the guesses before a lock. Here both spellings hit one account counter."""
    factories.user(org, username="bob", email="bob@example.nl")
    for identifier in ("bob", "bob@example.nl", "BOB"):
        login(client, org, identifier, WRONG)
    fourth = login(client, org, "Bob@Example.NL", factories.PASSWORD)  # right password, no CAPTCHA
    assert fourth.status_code == 200 and needs_captcha(fourth)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("garbage", ["", "unknown", "1.2.3.4.5", "::::", "<script>", "a" * 3000, "10.0.0.1, zzz"])
def test_unparsable_forwarded_for_skips_nothing_authentik_cve_2024_47070(client, org, settings, garbage):
    """authentik let a request with an unparsable X-Forwarded-For skip a step. Here every
    header value falls back to the peer address and all limits still apply."""
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.0/8")]
    factories.user(org, username="carla")
    for _ in range(3):
        login(client, org, "carla", WRONG, HTTP_X_FORWARDED_FOR=garbage)
    response = login(client, org, "carla", factories.PASSWORD, HTTP_X_FORWARDED_FOR=garbage)
    assert needs_captcha(response) and "_auth_user_id" not in client.session


def test_spoofed_forwarded_for_from_an_untrusted_peer_cannot_dodge_the_source_limit(client, settings):
    settings.TRUSTED_PROXIES = []
    org = factories.organisation(policy={"captcha_after_failures": 100, "captcha_after_source_failures": 5})
    for i in range(5):  # five different accounts, each "from" another address
        login(client, org, f"naam{i}", WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    factories.user(org, username="dirk")
    response = login(client, org, "dirk", factories.PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert needs_captcha(response) and "_auth_user_id" not in client.session


def test_deleted_users_session_gives_nothing_authentik_cve_2025_29928(client, org):
    """authentik kept sessions of deleted users valid. Here the session goes with the user."""
    user = factories.user(org, username="eva")
    login(client, org, "eva")
    assert client.get(f"/{org.slug}/").status_code == 200
    user.delete()
    assert client.get(f"/{org.slug}/").status_code == 302


def test_blocked_users_session_gives_nothing_authentik_cve_2025_29928(client, org):
    user = factories.user(org, username="fenna")
    login(client, org, "fenna")
    user.status = UserStatus.BLOCKED
    user.save()
    assert client.get(f"/{org.slug}/dashboard").status_code == 302


def test_unknown_user_and_wrong_password_take_the_same_time(client):
    """Many interleaved samples: the medians of "no such user" and "wrong password" differ by
    less than the noise (both verify one argon2id hash)."""
    org = factories.organisation(policy={"captcha_after_failures": 100, "captcha_after_source_failures": 1000,
                                         "lockout_after_failures": 100, "lockout_permanent_after": 100})
    factories.user(org, username="gert")
    login(client, org, "gert", WRONG)  # warm-up
    known, unknown = [], []
    for _ in range(40):
        for name, samples in (("gert", known), ("niet-bestaand", unknown)):
            start = time.perf_counter()
            login(client, org, name, WRONG)
            samples.append(time.perf_counter() - start)
    a, b = statistics.median(known), statistics.median(unknown)
    # Without the dummy hash the unknown name would answer in a fraction of the time.
    assert abs(a - b) <= 0.25 * min(a, b), (a, b)


def statements_of(client, org, identifier: str) -> list[str]:
    """The database statements of one wrong sign-in, with their values left out."""
    with CaptureQueriesContext(connection) as seen:
        login(client, org, identifier, WRONG)
    return [re.sub(r"'[^']*'|\b\d+(\.\d+)?\b|\bNULL\b", "?", q["sql"]) for q in seen.captured_queries]


def test_unknown_user_and_wrong_password_run_the_same_statements(client):
    """Same time by construction, not only by measurement: both answers do the same work
    in the database (find, count, audit), so neither can be told apart by what it runs."""
    org = factories.organisation(policy={"captcha_after_failures": 100, "captcha_after_source_failures": 1000,
                                         "lockout_after_failures": 100, "lockout_permanent_after": 100})
    factories.user(org, username="hanna")
    login(client, org, "hanna", WRONG)  # warm-up
    known, unknown = statements_of(client, org, "hanna"), statements_of(client, org, "niet-bestaand")
    assert known == unknown and known
