"""Shared counters: atomic under parallel increments, expiring by our clock, in whichever
store is configured (the database here, Redis in CI's second run)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection

from poortwachter.security import counters


def increment_from_twenty_threads(name: str) -> list[int]:
    """20 threads adding 10 each at the same moment; every value they were given."""
    seen, barrier = [], threading.Barrier(20)

    def hammer():
        barrier.wait()
        try:
            for _ in range(10):
                while True:  # SQLite's shared in-memory test database says "locked" at once
                    try:
                        seen.append(counters.incr(name, 60))
                        break
                    except OperationalError:
                        time.sleep(0.002)
        finally:
            connection.close()

    threads = [threading.Thread(target=hammer) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return seen


@pytest.mark.django_db(transaction=True)
def test_parallel_increments_are_all_counted():
    seen = increment_from_twenty_threads("parallel")
    assert sorted(seen) == list(range(1, 201))  # every increment saw its own, unique value
    assert counters.get("parallel") == 200


@pytest.mark.django_db(transaction=True)
def test_parallel_increments_of_an_expired_counter_restart_it_once(clock):
    """The first increment after the window starts again at 1, in the same atomic step as
    everyone else's: the old count is not kept and no parallel guess is lost."""
    for _ in range(7):
        counters.incr("restart", 60)
    clock.advance(timedelta(seconds=61))
    seen = increment_from_twenty_threads("restart")
    assert sorted(seen) == list(range(1, 201))
    assert counters.get("restart") == 200


@pytest.mark.django_db
def test_several_counters_are_read_at_once_and_expired_ones_read_zero(clock):
    counters.incr("kort", 60)
    counters.incr("lang", 3600)
    counters.incr("lang", 3600)
    clock.advance(timedelta(seconds=61))
    assert counters.get_many(["kort", "lang", "nooit-gezien"]) == [0, 2, 0]
    assert counters.get_many(["lang", "lang"]) == [2, 2]


@pytest.mark.django_db
def test_counter_expires_by_the_clock_and_restarts(clock):
    assert [counters.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    clock.advance(timedelta(seconds=59))
    assert counters.incr("k", 60) == 4  # each change keeps it alive for another minute
    clock.advance(timedelta(seconds=61))
    assert counters.get("k") == 0
    assert counters.incr("k", 60) == 1


@pytest.mark.django_db
def test_decrement_and_reset():
    counters.incr("d", 60)
    counters.decr("d")
    counters.decr("d")
    assert counters.get("d") == 0
    counters.incr("d", 60)
    counters.reset("d")
    assert counters.get("d") == 0


@pytest.mark.django_db
def test_worker_prunes_expired_counter_rows(clock, settings):
    from poortwachter.mail import worker
    from poortwachter.security.counters import Counter

    settings.REDIS_URL = ""
    counters.incr("kort", 60)
    counters.incr("lang", 86400)
    clock.advance(timedelta(minutes=5))
    worker.run(once=True)
    assert [c.key.rsplit(":", 1)[1] for c in Counter.objects.all()] == ["lang"]
