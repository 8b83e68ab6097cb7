"""Operator sign-in at /_operator/login: one answer and one timing for an unknown name
and a wrong password (a dummy hash is verified), failures counted and locked
(operators.attempts) before any hash, every outcome audited."""

from dataclasses import dataclass

from django.utils.translation import gettext as _, ngettext

from poortwachter.accounts import passwords
from poortwachter.operators import accounts, attempts, session
from poortwachter.operators.models import Operator
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.security.source import source_address


@dataclass
class Outcome:
    operator: Operator | None = None
    error: str | None = None
    locked: bool = False
    busy: bool = False


def generic_failure() -> str:
    return _("The operator name and password do not match. Check both and try again.")


def sign_in(request, typed: str, password: str) -> Outcome:
    source = source_address(request)
    attempt = attempts.begin(typed, source)
    if attempt is None:
        minutes = attempts.minutes_left(typed, source)
        return Outcome(locked=True, error=ngettext(
            "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
            "Too many failed sign-in attempts. Try again in %(minutes)d minutes.", minutes) % {"minutes": minutes})
    operator = accounts.find(typed)
    try:
        proven = passwords.verify(operator, password)
    except passwords.HashingBusy:
        attempts.give_back(attempt)
        return Outcome(busy=True)
    label = f"operator:{accounts.name_key(typed)}"[:254]
    if not proven:
        audit.record(Event.OPERATOR_SIGNIN_FAILED, request=request, subject_label=label,
                     reason="unknown_name" if operator is None else "wrong_password")
        if attempts.failed(attempt):
            audit.record(Event.OPERATOR_LOCKED, request=request, subject_label=label,
                         reason=f"{attempt.failures} failures")
        return Outcome(error=generic_failure())
    attempts.succeeded(attempt)
    session.begin(request, operator)
    audit.record(Event.OPERATOR_SIGNIN_SUCCEEDED, request=request, subject_label=label)
    return Outcome(operator=operator)


def sign_out(request, operator: Operator) -> None:
    audit.record(Event.OPERATOR_SIGNOUT, request=request, subject_label=f"operator:{operator.name}")
    session.end(request)
