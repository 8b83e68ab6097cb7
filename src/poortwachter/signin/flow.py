"""The sign-in flow, shared by the HTML pages and (later) the JSON API:

    identify -> verify with one method -> barriers (organisation/user state)
             -> steps (signin.steps) -> grant the session -> audit -> where to go.

Until the password is proven right every failure has one answer; only then may the
person learn that the organisation or their account is blocked."""

from dataclasses import dataclass

from django.contrib import auth
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from poortwachter import clock
from poortwachter.accounts import roles, services, signals
from poortwachter.accounts.models import User, UserStatus
from poortwachter.accounts.passwords import HashingBusy
from poortwachter.methods import password as password_method
from poortwachter.security import attempts, audit, captcha
from poortwachter.security.audit import Event
from poortwachter.signin import lockout
from poortwachter.security.source import source_address
from poortwachter.signin import assurance, steps
from poortwachter.signin.next_url import safe_next
from poortwachter.signin.record import PendingSignin
from poortwachter.system import sql
from poortwachter.tenants import status as organisation_status

BACKEND = "poortwachter.accounts.backend.OrganisationUserBackend"


def generic_failure() -> str:
    # One answer for unknown user, wrong password, locked and blocked (before proof).
    return _("The e-mail address or username and password do not match. Check both and try again.")


@dataclass
class Outcome:
    """What the page shows next: a redirect (`go_to`) or the form again with `error`.
    `refused` marks an answer given only after the password was proven (status 403)."""

    go_to: str | None = None
    error: str | None = None
    refused: bool = False
    busy: bool = False
    captcha: bool = False  # the next attempt must carry a solved CAPTCHA


def sign_in_with_password(request, organisation, identifier: str, password: str, next_url: str = "",
                          captcha_solution: str = "") -> Outcome:
    user = services.find_by_identifier(organisation, identifier)
    source = source_address(request)
    solved = _CaptchaCheck(organisation, captcha_solution)
    # A flood without solved CAPTCHAs is refused on a read alone: no counter or audit
    # write, no hash. The atomic count below is what holds under parallel requests.
    seen = attempts.before(organisation, user, identifier, source)
    if seen.captcha_needed(organisation.policy) and not solved():
        return _captcha_refusal(request, organisation, user, identifier)
    attempt = attempts.begin(organisation, user, identifier, source, seen)
    if attempt.captcha_needed() and not solved():
        attempts.give_back(attempt)  # refused before any hash, even with the right password
        return _captcha_refusal(request, organisation, user, identifier)
    try:
        proven = password_method.verify(user, password)
    except HashingBusy:
        attempts.give_back(attempt)
        return Outcome(busy=True)
    if not proven:
        return _wrong_password(request, attempt, identifier)
    if attempts.locked_until(attempt) is not None:
        attempts.give_back(attempt)  # the right password is no failure, but the lock stays
        audit.record(Event.SIGNIN_REFUSED, request=request, subject=user, reason="locked")
        return Outcome(error=lockout.message(attempt), refused=True, captcha=attempt.captcha_needed())
    barrier = refusal(user)
    if barrier is not None:
        attempts.succeeded(attempt)
        reason, message = barrier
        audit.record(Event.SIGNIN_REFUSED, request=request, subject=user, reason=reason)
        return Outcome(error=message, refused=True)
    return finish(request, user, amr=[password_method.AMR], next_url=next_url, attempt=attempt)


class _CaptchaCheck:
    """Verifies the submitted solution at most once (a solution is accepted only once)."""

    def __init__(self, organisation, solution: str):
        self.organisation, self.solution, self.result = organisation, solution, None

    def __call__(self) -> bool:
        if self.result is None:
            self.result = captcha.verify(self.organisation, self.solution)
        return self.result


def _captcha_refusal(request, organisation, user, identifier: str) -> Outcome:
    if attempts.first_demand_this_hour(organisation, user, identifier):
        audit.record(Event.CAPTCHA_DEMANDED, request=request, subject=user, subject_label=identifier)
    return Outcome(error=_("Please confirm that you are a person first (the check below the "
                           "password), then sign in."), captcha=True)


def _wrong_password(request, attempt, identifier: str) -> Outcome:
    user = attempt.user
    audit.record(Event.SIGNIN_FAILED, request=request, subject=user, subject_label=identifier,
                 reason="unknown_user" if user is None else "wrong_password")
    locked = attempts.failed(attempt)
    if locked:
        lockout.locked(request, attempt, locked)
    next_needs_captcha = attempt.failures >= attempt.policy.captcha_after_failures or attempt.captcha_needed()
    return Outcome(error=generic_failure(), captcha=next_needs_captcha)


def refusal(user) -> tuple[str, str] | None:
    """Why this proven user still may not sign in: (reason, message), or None."""
    organisation = user.organisation
    message = organisation_status.refusal(organisation)
    if message:
        return "organisation_" + organisation.status, message
    if user.status == UserStatus.BLOCKED:
        text = _("Your account has been blocked by an administrator of %(org)s. Ask your "
                 "administrator to give you access again.") % {"org": organisation.name}
        if user.blocked_reason:
            text += " " + _("Reason: %(reason)s") % {"reason": user.blocked_reason}
        return "user_blocked", text
    if user.status == UserStatus.PENDING:
        return "not_activated", _(
            "Your account has not been activated yet. Use the activation link in the welcome "
            "e-mail, or ask your administrator to send a new one.")
    return None


def finish(request, user, *, amr: list[str], next_url: str = "", attempt=None) -> Outcome:
    """Run the steps that must happen before a session is granted, then grant it.

    `attempt` is the password attempt that got here. While a step is pending its earlier
    failures stay counted: knowing the password must not reset the count of wrong
    second-step codes (else guessing codes between fresh sign-ins never locks)."""
    pending = PendingSignin(user_id=user.pk, organisation_id=user.organisation_id, amr=assurance.amr_for(amr),
                            next_url=safe_next(next_url, user.organisation) or "")
    step = steps.first_needed(user, pending)
    if step is not None:
        if attempt is not None:
            attempts.give_back(attempt)
        request.session.cycle_key()
        pending.save(request.session)
        return Outcome(go_to=reverse(step.url_name, kwargs={"organisation_slug": user.organisation.slug}))
    return Outcome(go_to=grant_session(request, user, pending, attempt=attempt))


def continue_pending(request, pending: PendingSignin, user) -> Outcome:
    """Called by a step page once its step is done (the page saved what it added)."""
    step = steps.first_needed(user, pending)
    if step is not None:
        pending.save(request.session)
        return Outcome(go_to=reverse(step.url_name, kwargs={"organisation_slug": user.organisation.slug}))
    attempts.reset_account(user)  # every step is done: the consecutive failures start again
    return Outcome(go_to=grant_session(request, user, pending))


@transaction.atomic
def grant_session(request, user, pending: PendingSignin, attempt=None) -> str:
    """Rotate the session key, record who is signed in and how, audit; return where to go.
    One transaction holds every write of a sign-in: the account's failures starting again
    (`attempt`, the password attempt that got here), `last_login`, the audit row and the new
    session row (saved here, so the response does not write it a second time)."""
    if attempt is not None:
        attempts.succeeded(attempt)
    PendingSignin.discard(request.session)
    _log_in(request, user)
    now = clock.timestamp()
    request.session.update({
        "org": user.organisation_id, "signed_in_at": now, "seen_at": now, "amr": pending.amr,
        "src": source_address(request), "ua": request.META.get("HTTP_USER_AGENT", "")[:200],
    })
    audit.record(Event.SIGNIN_SUCCEEDED, request=request, actor=user, subject=user, reason="+".join(pending.amr))
    request.session.save()
    return pending.next_url or roles.landing_url(user)


def _log_in(request, user) -> None:
    """django.contrib.auth.login (new session key, new CSRF token); `last_login` is one plain
    UPDATE here, Django's own ORM save of it is switched off (accounts.apps)."""
    auth.login(request, user, backend=BACKEND)
    user.last_login = clock.now()
    sql.changed(f"UPDATE {sql.table(User)} SET last_login = %s WHERE id = %s", [sql.at(user.last_login), user.pk])


def sign_out(request) -> None:
    user, key = request.user, request.session.session_key
    if user.is_authenticated:
        audit.record(Event.SIGNOUT, request=request, actor=user, subject=user)
    auth.logout(request)  # flushes the server-side session
    if user.is_authenticated and key:
        signals.session_ended.send(sender=None, user=user, session_key=key, reason="signout")
