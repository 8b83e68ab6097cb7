"""Passkeys in the sign-in: signing in with a passkey alone (when the organisation allows
it), proving the second step of a pending sign-in, adding a passkey, and re-authenticating.
The ceremony itself is methods.passkey; this module decides what an answer means.

Failures count toward the account's lock like wrong passwords (an unknown credential counts
for the source address and for that credential id), and a locked account is refused even
with a valid passkey. Until the passkey is proven the answer is the same for every failure;
a blocked organisation or account is told only after a valid passkey, as after a right
password."""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from poortwachter.methods import passkey, second_step, setup
from poortwachter.methods.models import Kind
from poortwachter.methods.passkey import Purpose
from poortwachter.security import attempts, audit
from poortwachter.security.audit import Event
from poortwachter.security.source import source_address
from poortwachter.signin import assurance, flow, lockout, reauth
from poortwachter.signin.second_step import flow as second_step_flow


def signin_allowed(organisation) -> bool:
    policy = organisation.policy
    return policy.allow_passkey and policy.allow_passkey_signin


def not_recognised() -> str:
    return _("This passkey was not recognised. Sign in with your password, or try another passkey.")


def not_proven() -> str:
    return _("The passkey could not be checked. Try again.")


def _attempt(request, user, credential_label: str = ""):
    organisation, source = request.organisation, source_address(request)
    return attempts.begin(organisation, user, credential_label, source,
                          attempts.before(organisation, user, credential_label, source))


def _failed(request, attempt) -> bool:
    """Count a failure; True when it locked the account."""
    locked = attempts.failed(attempt)
    if locked:
        lockout.locked(request, attempt, locked)
    return bool(locked)


# --- passwordless ---------------------------------------------------------------------------

def sign_in(request, credential: dict, next_url: str, held: dict) -> flow.Outcome:
    """Passwordless: `held` is where the options put the challenge (the content of a cookie
    of its own, see passkey_views)."""
    organisation = request.organisation
    try:
        found = passkey.authenticate(held, Purpose.SIGNIN, organisation, credential)
    except passkey.Refused as refused:
        label = "" if refused.user is not None else "passkey:" + _label(credential)
        audit.record(Event.SIGNIN_FAILED, request=request, subject=refused.user, reason="passkey_" + refused.reason)
        _failed(request, _attempt(request, refused.user, label))
        return flow.Outcome(error=not_recognised())
    user = found.user
    attempt = _attempt(request, user)
    if attempts.locked_until(attempt) is not None:
        attempts.give_back(attempt)  # a valid passkey is no failure, but the lock stays
        audit.record(Event.SIGNIN_REFUSED, request=request, subject=user, reason="locked")
        return flow.Outcome(error=lockout.message(attempt), refused=True)
    barrier = flow.refusal(user)
    if barrier is not None:
        attempts.succeeded(attempt)
        reason, message = barrier
        audit.record(Event.SIGNIN_REFUSED, request=request, subject=user, reason=reason)
        return flow.Outcome(error=message, refused=True)
    return flow.finish(request, user, amr=[passkey.AMR], next_url=next_url, attempt=attempt)


def _label(credential: dict) -> str:
    raw = credential.get("rawId") if isinstance(credential, dict) else ""
    return hashlib.sha256(str(raw)[:2048].encode()).hexdigest()[:32]


# --- the second step of a pending sign-in ---------------------------------------------------

def usable(pending, user) -> bool:
    return Kind.PASSKEY in second_step.usable_kinds(user, pending.amr)


def prove(request, pending, user, credential: dict) -> second_step_flow.Result:
    if not usable(pending, user):
        return second_step_flow.Result(error=_("Choose one of the ways offered on this page."))
    attempt = _attempt(request, user)
    if attempts.locked_until(attempt) is not None:
        attempts.give_back(attempt)
        return second_step_flow.ended(request, attempt)
    try:
        passkey.authenticate(request.session, Purpose.SECOND_STEP, request.organisation, credential, user=user)
    except passkey.Refused as refused:
        audit.record(Event.SECOND_STEP_FAILED, request=request, subject=user, reason="passkey_" + refused.reason)
        if _failed(request, attempt):
            return second_step_flow.ended(request, attempt)
        return second_step_flow.Result(error=not_proven())
    audit.record(Event.SECOND_STEP_SUCCEEDED, request=request, subject=user, reason="passkey")
    pending.amr = assurance.amr_for(pending.amr + [passkey.AMR])
    return second_step_flow.Result(go_to=flow.continue_pending(request, pending, user).go_to)


# --- adding a passkey -----------------------------------------------------------------------

@dataclass
class Added:
    ok: bool = False
    codes: list[str] = field(default_factory=list)  # new recovery codes, shown once
    error: str = ""


def register(request, user, credential: dict, name: str = "") -> Added:
    try:
        with transaction.atomic():
            passkey.register(request.session, user, credential, name)
            codes = setup.added(request, user, Kind.PASSKEY)  # audit, mail, first recovery codes
    except passkey.Refused as refused:
        if refused.reason == "exists":
            return Added(error=_("This passkey is already registered. Use another one, or sign in with it."))
        return Added(error=_("The passkey could not be registered. Try again."))
    return Added(ok=True, codes=codes)


# --- re-authentication ----------------------------------------------------------------------

def reauthenticate(request, credential: dict) -> reauth.Result:
    user = request.user
    attempt = _attempt(request, user)
    if attempts.locked_until(attempt) is not None:
        attempts.give_back(attempt)
        return reauth.lock_ends_session(request, attempt)
    try:
        passkey.authenticate(request.session, Purpose.REAUTH, request.organisation, credential, user=user)
    except passkey.Refused as refused:
        audit.record(Event.REAUTH_FAILED, request=request, actor=user, subject=user, reason="hwk_" + refused.reason)
        if _failed(request, attempt):
            return reauth.lock_ends_session(request, attempt)
        return reauth.Result(error=not_proven())
    attempts.succeeded(attempt)
    reauth.mark(request, passkey.AMR)
    return reauth.Result(ok=True)
