"""Atomic counters shared by every process and machine: Redis when configured, otherwise a
table in the database (the embedded default). An increment is one atomic operation, so 200
parallel wrong guesses are counted 200 times — never fewer.

Every process and thread reads the same key for the same name (`namespace` lets the test
suite give each test counters of its own)."""

from datetime import timedelta
from functools import cache as memoise

from django.conf import settings
from django.db import IntegrityError, models, transaction

from poortwachter import clock


class Counter(models.Model):
    key = models.CharField(max_length=250, primary_key=True)
    value = models.BigIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)


namespace = ""


def _key(name: str) -> str:
    return f"poortwachter:{namespace}:counter:{name}"


@memoise
def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


# A hash {n, until}: `until` follows our clock (which tests move), Redis's own expiry only
# cleans up a day later. One script, so reading, restarting and adding is one atomic step.
_INCR = """
local till = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if till <= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) end
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('HSET', KEYS[1], 'until', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return n
"""


@memoise
def _incr_script():
    return _redis().register_script(_INCR)


def incr(name: str, ttl_seconds: int) -> int:
    """Add one and return the new value; the counter lives `ttl_seconds` after its last change."""
    if settings.REDIS_URL:
        now = clock.timestamp()
        return int(_incr_script()(keys=[_key(name)], args=[now, now + ttl_seconds, ttl_seconds + 86400]))
    return _db_incr(_key(name), ttl_seconds)


def _db_incr(key: str, ttl_seconds: int) -> int:
    now = clock.now()
    until = now + timedelta(seconds=ttl_seconds)
    for _ in range(3):
        with transaction.atomic():
            live = Counter.objects.filter(key=key, expires_at__gt=now)
            if live.update(value=models.F("value") + 1, expires_at=until):
                # The row is write-locked until commit: this read is our own increment.
                return Counter.objects.get(key=key).value
            Counter.objects.filter(key=key, expires_at__lte=now).delete()
            try:
                with transaction.atomic():
                    Counter.objects.create(key=key, value=1, expires_at=until)
                return 1
            except IntegrityError:  # another process created it first: increment that one
                continue
    raise RuntimeError(f"counter {key} could not be incremented")


def get(name: str) -> int:
    if settings.REDIS_URL:
        values = _redis().hmget(_key(name), "n", "until")
        if values[0] is None or int(values[1] or 0) <= clock.timestamp():
            return 0
        return int(values[0])
    row = Counter.objects.filter(key=_key(name), expires_at__gt=clock.now()).first()
    return row.value if row else 0


def decr(name: str) -> None:
    """Take one back (never below zero)."""
    if settings.REDIS_URL:
        key = _key(name)
        if _redis().hincrby(key, "n", -1) < 0:
            _redis().hset(key, "n", 0)
        return
    Counter.objects.filter(key=_key(name), value__gt=0).update(value=models.F("value") - 1)


def reset(name: str) -> None:
    """Back to zero. The database row stays (the next increment is then one UPDATE)."""
    if settings.REDIS_URL:
        _redis().delete(_key(name))
        return
    Counter.objects.filter(key=_key(name), value__gt=0).update(value=0)


def prune() -> int:
    """Delete expired counter rows (the worker calls this)."""
    if settings.REDIS_URL:
        return 0
    return Counter.objects.filter(expires_at__lte=clock.now()).delete()[0]
