"""Failed sign-ins: counted per account and per source address in the shared counters,
they decide when a CAPTCHA is demanded and when the account locks (the numbers are the
organisation's policy).

An attempt is counted against its account *before* any password hash (`begin`), so
parallel guesses cannot slip past the limit; an attempt refused for a missing CAPTCHA is
given back, so nobody can lock an account by sending requests without solving one. The
source address counts only failures that happened (no reservation), so many people
signing in at once behind one office address never see a CAPTCHA for it. The account key is the user's
id when the typed name belongs to a user (`Bob`, `bob`, `ＢＯＢ` and the e-mail are one
counter) and the folded typed name otherwise, so unknown names behave like known ones."""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from poortwachter import clock
from poortwachter.accounts import identity
from poortwachter.security import counters

ACCOUNT_WINDOW = 24 * 3600  # consecutive failures are forgotten a day after the last one
SOURCE_WINDOW = 3600


@dataclass
class Attempt:
    organisation: object
    user: object
    account: str
    source: str
    failures: int = 0  # of the account, this attempt included
    source_failures: int = 0

    @property
    def policy(self):
        return self.organisation.policy

    def captcha_needed(self) -> bool:
        return (self.failures > self.policy.captcha_after_failures
                or self.source_failures > self.policy.captcha_after_source_failures)


def account_key(organisation, user, typed: str) -> str:
    if user is not None:
        return f"fail:user:{user.pk}"
    digest = hashlib.sha256(identity.key(typed).encode()).hexdigest()[:32]
    return f"fail:name:{organisation.pk}:{digest}"


def source_key(source: str) -> str:
    return f"fail:src:{source}"


@dataclass
class Before:
    """The counts before an attempt, read without writing anything."""
    failures: int
    source_failures: int

    def captcha_needed(self, policy) -> bool:
        return (self.failures >= policy.captcha_after_failures
                or self.source_failures >= policy.captcha_after_source_failures)


def before(organisation, user, typed: str, source: str) -> Before:
    return Before(*counters.get_many([account_key(organisation, user, typed), source_key(source)]))


def begin(organisation, user, typed: str, source: str, seen: Before) -> Attempt:
    attempt = Attempt(organisation, user, account_key(organisation, user, typed), source_key(source))
    attempt.failures = counters.incr(attempt.account, ACCOUNT_WINDOW)
    # This attempt is counted as if it failed, like the account's; the source counter
    # itself only grows when it really does (`failed`).
    attempt.source_failures = seen.source_failures + 1
    return attempt


def give_back(attempt: Attempt) -> None:
    """The attempt was refused before the password was tried, or the password was right
    while the account is locked: it is no failure."""
    counters.decr(attempt.account)


def succeeded(attempt: Attempt) -> None:
    """The password was right: the consecutive failures of the account start again."""
    counters.reset(attempt.account)


def reset_account(user) -> None:
    """A sign-in completed through its steps: the account's failures start again."""
    counters.reset(account_key(user.organisation, user, ""))


def first_demand_this_hour(organisation, user, typed: str) -> bool:
    """True once an hour per account: the audit log records that a CAPTCHA was demanded,
    not every request of a flood. The rest of a flood costs one read and writes nothing;
    the atomic increment picks one winner among parallel first demands."""
    name = "captcha-demanded:" + account_key(organisation, user, typed)
    return counters.get(name) == 0 and counters.incr(name, 3600) == 1


def source_needs_captcha(organisation, source: str) -> bool:
    return counters.get(source_key(source)) >= organisation.policy.captcha_after_source_failures


# --- lock-out ----------------------------------------------------------------------------

def _lock_key(account: str) -> str:
    return "lock:" + account


def lock_seconds(policy, failures: int) -> int:
    """1 minute at the threshold, doubling with each further failure, at most the cap."""
    steps = failures - policy.lockout_after_failures
    if steps < 0:
        return 0
    return min(policy.lockout_first_seconds * 2 ** min(steps, 40), policy.lockout_max_seconds)


def failed(attempt: Attempt) -> str | None:
    """After a wrong password: count it for the source, and lock when the policy says so.
    Returns "temporary" or "permanent" when this failure locked the account, else None."""
    attempt.source_failures = counters.incr(attempt.source, SOURCE_WINDOW)
    policy, n = attempt.policy, attempt.failures
    if attempt.user is not None and n >= policy.lockout_permanent_after:
        if attempt.user.locked_at is None:
            attempt.user.locked_at = clock.now()
            attempt.user.save(update_fields=["locked_at"])
            return "permanent"
        return None
    seconds = lock_seconds(policy, n)
    if seconds:
        cache.set(_lock_key(attempt.account), clock.timestamp() + seconds, seconds + 60)
        return "temporary"
    return None


def locked_until(attempt: Attempt) -> int | None:
    """Epoch seconds until which the account is locked, 0 for "until a reset", None if not."""
    if attempt.user is not None and attempt.user.locked_at is not None:
        return 0
    if attempt.failures - 1 < attempt.policy.lockout_after_failures:
        return None  # too few failures before this attempt for any temporary lock
    until = cache.get(_lock_key(attempt.account))
    return until if until and until > clock.timestamp() else None


@transaction.atomic
def lift(user) -> None:
    """A password reset or an administrator ends the lock and the count."""
    account = account_key(user.organisation, user, "")
    counters.reset(account)
    cache.delete(_lock_key(account))
    if user.locked_at is not None:
        user.locked_at = None
        user.save(update_fields=["locked_at"])
