"""The one clock. Every expiry, timeout and lock-out reads `now()` from here, so tests
can move time (see tests/conftest.py `clock`) instead of sleeping."""

from datetime import datetime, timedelta, timezone

_offset = timedelta(0)


def now() -> datetime:
    return datetime.now(timezone.utc) + _offset


def timestamp() -> int:
    """Whole seconds since the epoch, for small JSON session records."""
    return int(now().timestamp())


def advance(delta: timedelta) -> None:
    global _offset
    _offset += delta


def reset() -> None:
    global _offset
    _offset = timedelta(0)
