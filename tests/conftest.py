"""Shared fixtures: a clean shared cache and clock for every test, factories for
organisations and users (through the real services), and a check that CI really reaches
PostgreSQL and Redis when it says it runs against them."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache

from poortwachter import clock as clock_module
from poortwachter.security import counters
import itertools
import secrets

from tests import factories

_test_number = itertools.count(1)
# Redis outlives a run: without a run id of its own, the next run's test 1 would find the
# counters (failed sign-ins, locks) that this run's test 1 left there.
_run = secrets.token_hex(4)


def pytest_sessionstart(session):
    # CI sets POORTWACHTER_REQUIRE_SERVICES=1: a run that silently fell back to SQLite or
    # the database cache would prove nothing about PostgreSQL and Redis.
    if os.environ.get("POORTWACHTER_REQUIRE_SERVICES") == "1":
        engine = settings.DATABASES["default"]["ENGINE"]
        backend = settings.CACHES["default"]["BACKEND"]
        if "postgresql" not in engine or "redis" not in backend.lower():
            pytest.exit(f"PostgreSQL + Redis required, configured: {engine}, {backend}", returncode=3)
        import psycopg
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
            db = settings.DATABASES["default"]
            psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                            dbname=db["NAME"], password=db["PASSWORD"] or None, connect_timeout=3).close()
        except Exception as error:
            pytest.exit(f"PostgreSQL or Redis unreachable: {error}", returncode=3)


@pytest.fixture(autouse=True)
def _fresh_clock_and_cache():
    """Every test sees an empty shared cache (counters!) without needing database access
    to clear it: its keys get a prefix of their own."""
    clock_module.reset()
    cache.key_prefix = counters.namespace = f"t{_run}-{next(_test_number)}"
    yield
    cache.key_prefix = counters.namespace = ""
    clock_module.reset()


@pytest.fixture
def clock():
    """Move time with clock.advance(timedelta(...)); reset after the test."""
    return clock_module


@pytest.fixture
def org(db):
    return factories.organisation()


@pytest.fixture
def user(org):
    return factories.user(org)


@pytest.fixture
def smtp(settings):
    """A real SMTP server; the outbox worker delivers to it (tests.mailbox)."""
    from tests.mailbox import SMTPServer

    server = SMTPServer()
    server.start()
    settings.SMTP_HOST = "127.0.0.1"
    settings.MAILERS = server.mailer_settings()
    settings.MAIL_RETRY_FIRST_SECONDS = 30
    yield server
    server.stop()
