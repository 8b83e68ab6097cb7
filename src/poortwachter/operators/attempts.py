"""Failed operator sign-ins, counted in the shared counters (security.counters: every
process and machine sees the same numbers) per typed operator name and per source address,
with a temporary lock that grows: after 5 failures of a name 1 minute, doubling with each
further failure to at most an hour; after 20 failures from one address within an hour that
address is locked the same way.

The name key is the folded typed name whether or not an operator has it, so a lock says
nothing about which names exist, and it is checked before any password hash. Past the
threshold a name gets one try per lock period: the try restarts the lock counter, and only
the request that finds it expired (value 1) may hash; parallel guesses are refused."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache

from poortwachter import clock
from poortwachter.operators.accounts import name_key
from poortwachter.security import counters

NAME_LOCK_AFTER = 5
SOURCE_LOCK_AFTER = 20
NAME_WINDOW = 24 * 3600  # consecutive failures of a name are forgotten a day after the last
SOURCE_WINDOW = 3600
FIRST_LOCK_SECONDS = 60
MAX_LOCK_SECONDS = 3600


def lock_seconds(failures: int, after: int) -> int:
    if failures < after:
        return 0
    return min(FIRST_LOCK_SECONDS * 2 ** min(failures - after, 20), MAX_LOCK_SECONDS)


@dataclass
class Attempt:
    name: str  # counter key of the typed name
    source: str  # counter key of the address
    failures: int = 0  # of the name, this attempt included
    holds_try: bool = False  # this attempt took the one try of a lock period


def _name_key(typed: str) -> str:
    digest = hashlib.sha256(name_key(typed).encode()).hexdigest()[:32]
    return f"operator:fail:name:{digest}"


def _source_key(source: str) -> str:
    return f"operator:fail:src:{source}"


def _lock(key: str) -> str:
    return key + ":lock"


def _until(key: str) -> str:
    return key + ":until"


def begin(typed: str, source: str) -> Attempt | None:
    """Count the attempt against its name before any hash; None when the name or the
    address is locked (nothing is counted then)."""
    attempt = Attempt(_name_key(typed), _source_key(source))
    if counters.get(_lock(attempt.source)) or counters.get(_lock(attempt.name)):
        return None
    attempt.failures = counters.incr(attempt.name, NAME_WINDOW)
    if attempt.failures > NAME_LOCK_AFTER:
        if counters.incr(_lock(attempt.name), FIRST_LOCK_SECONDS) != 1:
            counters.decr(attempt.name)  # a parallel request holds this lock period's one try
            return None
        attempt.holds_try = True
    return attempt


def give_back(attempt: Attempt) -> None:
    """Refused before the password was tried (hashing busy): no failure, and the try it
    held (the lock had ended) is free again."""
    counters.decr(attempt.name)
    if attempt.holds_try:
        counters.reset(_lock(attempt.name))


def succeeded(attempt: Attempt) -> None:
    counters.reset(attempt.name)
    counters.reset(_lock(attempt.name))


def failed(attempt: Attempt) -> bool:
    """Count the failure for the address too and lock what passed its threshold; True
    when this failure locked the name or the address."""
    source_failures = counters.incr(attempt.source, SOURCE_WINDOW)
    locked = False
    for key, failures, after in ((attempt.name, attempt.failures, NAME_LOCK_AFTER),
                                 (attempt.source, source_failures, SOURCE_LOCK_AFTER)):
        seconds = lock_seconds(failures, after)
        if seconds:
            counters.incr(_lock(key), seconds)  # (re)starts the lock: it lives `seconds` from now
            cache.set(_until(key), clock.timestamp() + seconds, seconds + 60)
            locked = True
    return locked


def minutes_left(typed: str, source: str) -> int:
    """How long the lock on this name or address still holds, for the message (the cache
    keeps the end time beside the counter, which only knows that it is live)."""
    ends = cache.get_many([_until(_name_key(typed)), _until(_source_key(source))]).values()
    seconds = max([until - clock.timestamp() for until in ends], default=FIRST_LOCK_SECONDS)
    return max(1, -(-seconds // 60))
