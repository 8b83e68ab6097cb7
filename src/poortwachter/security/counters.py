"""Atomic counters shared by every process and machine: Redis when configured, otherwise a
table in the database (the embedded default). An increment is one atomic operation (a Lua
script; an upsert in plain SQL), so 200 parallel wrong guesses are counted 200 times — never
fewer. These are read and written on every sign-in: the database path is plain SQL
(system.sql).

Every process and thread reads the same key for the same name (`namespace` lets the test
suite give each test counters of its own)."""

from datetime import timedelta
from functools import cache as memoise

from django.conf import settings
from django.db import models

from poortwachter import clock
from poortwachter.system import sql


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
    # One upsert: creating, restarting an expired count and adding happen in one atomic
    # statement, so parallel processes never lose an increment (and need no retry).
    now = clock.now()
    t = sql.table(Counter)
    return sql.value(
        f"INSERT INTO {t} (key, value, expires_at) VALUES (%s, 1, %s) ON CONFLICT (key) DO UPDATE "
        f"SET value = CASE WHEN {t}.expires_at > %s THEN {t}.value + 1 ELSE 1 END, "
        f"expires_at = excluded.expires_at RETURNING value",
        [key, sql.at(now + timedelta(seconds=ttl_seconds)), sql.at(now)])


def get(name: str) -> int:
    return get_many([name])[0]


def get_many(names: list[str]) -> list[int]:
    """The values of several counters, read in one round trip."""
    keys = [_key(name) for name in names]
    if not keys:
        return []
    if settings.REDIS_URL:
        pipeline = _redis().pipeline(transaction=False)
        for key in keys:
            pipeline.hmget(key, "n", "until")
        now = clock.timestamp()
        return [0 if n is None or int(until or 0) <= now else int(n) for n, until in pipeline.execute()]
    found = dict(sql.rows(
        f"SELECT key, value FROM {sql.table(Counter)} WHERE key IN ({', '.join(['%s'] * len(keys))}) "
        f"AND expires_at > %s", [*keys, sql.at(clock.now())]))
    return [found.get(key, 0) for key in keys]


def decr(name: str) -> None:
    """Take one back (never below zero)."""
    if settings.REDIS_URL:
        key = _key(name)
        if _redis().hincrby(key, "n", -1) < 0:
            _redis().hset(key, "n", 0)
        return
    sql.changed(f"UPDATE {sql.table(Counter)} SET value = value - 1 WHERE key = %s AND value > 0", [_key(name)])


def reset(name: str) -> None:
    """Back to zero. The database row stays (the next increment is then an update)."""
    if settings.REDIS_URL:
        _redis().delete(_key(name))
        return
    sql.changed(f"UPDATE {sql.table(Counter)} SET value = 0 WHERE key = %s AND value > 0", [_key(name)])


def prune() -> int:
    """Delete expired counter rows (the worker calls this)."""
    if settings.REDIS_URL:
        return 0
    return Counter.objects.filter(expires_at__lte=clock.now()).delete()[0]
