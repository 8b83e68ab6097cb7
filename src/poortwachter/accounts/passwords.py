"""Password hashing: argon2id with OWASP's parameters, a bounded number of hashes at once
per process, and a dummy verification for unknown users so that "no such user" costs the
same time as "wrong password"."""

import secrets
import threading

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password


class Argon2idHasher(Argon2PasswordHasher):
    """argon2id, m=19456 KiB, t=2, p=1 (OWASP Password Storage Cheat Sheet). Django rehashes
    a stored hash with other parameters at the next successful sign-in."""

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19456
    parallelism = 1


class HashingBusy(Exception):
    """More sign-ins at once than this process may hash; the person is asked to retry."""


_slots = threading.BoundedSemaphore(settings.HASH_SLOTS)
_dummy_hash: str | None = None


def _dummy() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = make_password(secrets.token_urlsafe(16))
    return _dummy_hash


def verify(user, raw_password: str) -> bool:
    """True when `raw_password` is the user's password. With no user (or no usable password)
    a dummy hash is verified, so the time taken says nothing about the account."""
    if not _slots.acquire(timeout=settings.HASH_WAIT_SECONDS):
        raise HashingBusy
    try:
        if user is None or not user.has_usable_password():
            check_password(raw_password, _dummy())
            return False
        return user.check_password(raw_password)  # rehashes when parameters changed
    finally:
        _slots.release()
