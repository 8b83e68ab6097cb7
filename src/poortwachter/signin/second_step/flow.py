"""Proving the second step of a pending sign-in. Every wrong code counts toward the
account's lock like a wrong password; a lock ends the pending sign-in."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from poortwachter.methods import email_code, recovery_codes, second_step, totp
from poortwachter.methods.models import Kind
from poortwachter.security import attempts, audit
from poortwachter.security.audit import Event
from poortwachter.security.source import source_address
from poortwachter.signin import assurance, flow, lockout
from poortwachter.signin.record import PendingSignin


@dataclass
class Result:
    go_to: str = ""
    error: str = ""
    ended: bool = False  # the pending sign-in is over (locked): back to the login page


METHODS = {"totp": (Kind.TOTP, totp.AMR), "email": (Kind.EMAIL, email_code.AMR), "recovery": (None, recovery_codes.AMR)}


def prove(request, pending: PendingSignin, user, method: str, typed: str) -> Result:
    kind, amr = METHODS[method]
    if kind is not None and kind not in second_step.usable_kinds(user, pending.amr):
        return Result(error=_("Choose one of the ways offered on this page."))
    malformed = _malformed(method, typed)
    if malformed:
        return Result(error=malformed)  # nothing typed that could be a code: nothing counted
    organisation, source = request.organisation, source_address(request)
    attempt = attempts.begin(organisation, user, "", source, attempts.before(organisation, user, "", source))
    if attempts.locked_until(attempt) is not None:
        attempts.give_back(attempt)
        return ended(request, attempt)
    error = _verify(request, user, method, typed)
    if not error:
        audit.record(Event.SECOND_STEP_SUCCEEDED, request=request, subject=user, reason=method)
        if method == "recovery":
            audit.record(Event.RECOVERY_CODE_USED, request=request, subject=user)
        pending.amr = assurance.amr_for(pending.amr + [amr])
        return Result(go_to=flow.continue_pending(request, pending, user).go_to)
    audit.record(Event.SECOND_STEP_FAILED, request=request, subject=user, reason=method)
    locked = attempts.failed(attempt)
    if locked:
        lockout.locked(request, attempt, locked)
        return ended(request, attempt)
    return Result(error=error)


def _malformed(method: str, typed: str) -> str:
    if method == "totp" and totp.normalise(typed) is None:
        return _("Enter the 6 digits your authenticator app shows.")
    if method == "email" and email_code.normalise(typed) is None:
        return _("Enter the code from the e-mail: two letters, a dash and six digits, such as AB-123456.")
    if method == "recovery" and len("".join(typed.split()).replace("-", "")) != 10:
        return _("A recovery code has ten letters and digits, such as abcde-23456.")
    return ""


def _verify(request, user, method: str, typed: str) -> str:
    """An error message, or "" when the code is right."""
    if method == "totp":
        return "" if totp.verify(user, typed) else _("That code is not right. Enter the current code from your app.")
    if method == "recovery":
        ok = recovery_codes.use(user, typed, getattr(request, "LANGUAGE_CODE", ""))
        return "" if ok else _("That recovery code is not right or was used before.")
    result = email_code.verify(user, typed)
    if result == email_code.Result.OK:
        return ""
    if result == email_code.Result.DEAD:
        return _("This code no longer works (expired, used, or too many wrong tries). Ask for a new code.")
    return _("That code is not right. Check the code in the e-mail.")


def ended(request, attempt) -> Result:
    PendingSignin.discard(request.session)
    return Result(error=lockout.message(attempt), ended=True)
