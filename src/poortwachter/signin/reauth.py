"""Re-authentication: before a sensitive change (a second step added or removed, recovery
codes renewed, the console's password, e-mail, policy and role changes) the signed-in person
proves again who they are if their last proof is older than five minutes. With the password
or a code from their authenticator app; wrong tries count toward the account's lock like
sign-in failures, and a lock ends the session."""

from dataclasses import dataclass
from functools import wraps

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from poortwachter import clock
from poortwachter.accounts.passwords import HashingBusy
from poortwachter.methods import password as password_method, totp
from poortwachter.security import attempts, audit
from poortwachter.security.audit import Event
from poortwachter.security.source import source_address
from poortwachter.signin import lockout
from poortwachter.signin.decorators import signed_in_required

RECENT_SECONDS = 5 * 60


def is_recent(request) -> bool:
    session = request.session
    last = max(session.get("reauth_at", 0), session.get("signed_in_at", 0))
    return clock.timestamp() - last <= RECENT_SECONDS


def reauth_url(request) -> str:
    from urllib.parse import urlencode

    url = reverse("signin:reauth", kwargs={"organisation_slug": request.organisation.slug})
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def reauth_required(view):
    """A page or action that needs a recent proof; others are sent to prove it first (a
    POST is not replayed: the person submits the form again)."""

    @signed_in_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_recent(request):
            return redirect(reauth_url(request))
        return view(request, *args, **kwargs)

    return wrapper


def mark(request, method: str) -> None:
    request.session["reauth_at"] = clock.timestamp()
    audit.record(Event.REAUTHENTICATED, request=request, actor=request.user, subject=request.user, reason=method)


@dataclass
class Result:
    ok: bool = False
    error: str = ""
    busy: bool = False
    signed_out: bool = False


def prove(request, *, password: str = "", code: str = "") -> Result:
    """Check a password or an authenticator-app code for the signed-in user."""
    user, organisation = request.user, request.organisation
    source = source_address(request)
    attempt = attempts.begin(organisation, user, "", source, attempts.before(organisation, user, "", source))
    if attempts.locked_until(attempt) is not None:
        attempts.give_back(attempt)
        return lock_ends_session(request, attempt)
    try:
        if code:
            ok, method = totp.verify(user, code), totp.AMR
        else:
            ok, method = password_method.verify(user, password), password_method.AMR
    except HashingBusy:
        attempts.give_back(attempt)
        return Result(busy=True)
    if ok:
        attempts.succeeded(attempt)
        mark(request, method)
        return Result(ok=True)
    audit.record(Event.REAUTH_FAILED, request=request, actor=user, subject=user, reason=method)
    locked = attempts.failed(attempt)
    if locked:
        lockout.locked(request, attempt, locked)
        return lock_ends_session(request, attempt)
    wrong = _("That code is not right. Enter the current code from your app.") if code else \
        _("That password is not right.")
    return Result(error=wrong)


def lock_ends_session(request, attempt) -> Result:
    from poortwachter.signin import flow

    message = lockout.message(attempt)
    flow.sign_out(request)
    return Result(error=message, signed_out=True)
