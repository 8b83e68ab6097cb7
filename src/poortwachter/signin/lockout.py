"""What a person is told about a lock, and the mail to the account's owner when it locks.
The message is shown only to someone who typed the right password (signin.flow)."""

from django.urls import reverse
from django.utils.translation import gettext as _, ngettext

from poortwachter import clock
from poortwachter.accounts import signals
from poortwachter.mail import outbox, throttle
from poortwachter.security import attempts, audit
from poortwachter.security.audit import Event


def message(attempt) -> str:
    until = attempts.locked_until(attempt)
    forgot = _("Choose a new password with “Forgot your password?”, or ask your administrator "
               "to lift the block.")
    if not until:
        return _("Too many sign-in attempts: this account is blocked until its password is "
                 "reset.") + " " + forgot
    minutes = max(1, -(-(until - clock.timestamp()) // 60))
    return ngettext("Too many sign-in attempts: this account is blocked for %(minutes)d more minute.",
                    "Too many sign-in attempts: this account is blocked for %(minutes)d more minutes.",
                    minutes) % {"minutes": minutes} + " " + forgot


def locked(request, attempt, kind: str) -> None:
    """Audit the lock and tell the owner by e-mail (the first temporary lock and the
    permanent one; not every doubling)."""
    user = attempt.user
    audit.record(Event.ACCOUNT_LOCKED, request=request, subject=user, reason=kind,
                 subject_label="" if user else "unknown name")
    if user is not None:
        signals.access_revoked.send(sender=None, user=user, reason="locked")
    policy = attempt.policy
    first_lock = attempt.failures == policy.lockout_after_failures
    if user is None or not (kind == "permanent" or first_lock) or not throttle.allow(user.email, user.organisation):
        return
    slug = user.organisation.slug
    outbox.queue("account_locked", user.email, {
        "user": user, "permanent": kind == "permanent", "failures": attempt.failures,
        "forgot_link": outbox.public_link(reverse("password_reset:forgot", kwargs={"organisation_slug": slug})),
        "login_link": outbox.public_link(reverse("signin:login", kwargs={"organisation_slug": slug})),
    }, organisation=user.organisation, language=user.language or getattr(request, "LANGUAGE_CODE", ""))


def lift(user, *, actor=None, request=None) -> None:
    """An administrator (or the operator's CLI) lifts a lock-out."""
    attempts.lift(user)
    audit.record(Event.ACCOUNT_UNLOCKED, request=request, organisation=user.organisation,
                 actor=actor, subject=user, reason="admin")
