"""What must happen after the password is proven and before a session is granted, in
order. A step is a page; while any step is needed the person holds only a PendingSignin,
which opens nothing else. New steps go in `STEPS`; `needed(user, pending)` decides.

The second step comes first: nobody changes an expired password before they have proven
who they are completely."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from poortwachter import clock
from poortwachter.methods import second_step


@dataclass(frozen=True)
class Step:
    name: str
    url_name: str
    needed: Callable


def password_expired(user, pending=None) -> bool:
    """The organisation's maximum password age (off by default) has passed."""
    days = user.organisation.policy.password_max_age_days
    if not days or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.created_at
    return clock.now() - changed > timedelta(days=days)


STEPS = [
    Step("second_step", "second_step:prove", lambda user, pending: second_step.step_needed(user, pending.amr)),
    Step("second_step_setup", "second_step:setup", lambda user, pending: second_step.setup_needed(user, pending.amr)),
    Step("password_expired", "signin:password_expired", password_expired),
]


def first_needed(user, pending) -> Step | None:
    return next((step for step in STEPS if step.needed(user, pending)), None)
