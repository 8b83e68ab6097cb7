"""What must happen after the password is proven and before a session is granted, in
order. A step is a page; while any step is needed the person holds only a PendingSignin,
which opens nothing else. New steps (second factor, terms of service) go in `STEPS`."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from poortwachter import clock


@dataclass(frozen=True)
class Step:
    name: str
    url_name: str
    needed: Callable


def password_expired(user) -> bool:
    """The organisation's maximum password age (off by default) has passed."""
    days = user.organisation.policy.password_max_age_days
    if not days or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.created_at
    return clock.now() - changed > timedelta(days=days)


STEPS = [
    Step("password_expired", "signin:password_expired", password_expired),
]


def first_needed(user) -> Step | None:
    return next((step for step in STEPS if step.needed(user)), None)
