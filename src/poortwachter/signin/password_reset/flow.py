""""Wachtwoord vergeten?": the mail request's handler that sends the reset link, and the
reset itself (single use, the password rules, every session of the person ends, a "your
password was changed" e-mail).

The page never learns whether the account exists: it only records a MailRequest, and the
worker runs `send_password_reset`, which decides in silence what to send:
- an active account: a reset link, valid `policy.reset_link_minutes`;
- an account still waiting for activation: a new welcome e-mail instead (a reset link could
  not be used, and "I never got the activation e-mail" is a common question in the seeds);
- a blocked account, an unknown one, or an organisation that does not allow passwords:
  nothing. The mail throttle applies to every message."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse

from poortwachter import clock
from poortwachter.accounts import services, tokens
from poortwachter.accounts.models import UserStatus
from poortwachter.accounts.tokens import Checked, Purpose, State
from poortwachter.mail import outbox, throttle
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.signin.activation import flow as activation
from poortwachter.signin.models import end_sessions_of


def _link(organisation, name: str, **kwargs) -> str:
    return outbox.public_link(reverse(name, kwargs={"organisation_slug": organisation.slug, **kwargs}))


def send_password_reset(mail_request) -> None:
    """Handler of the "password_reset" MailRequest (mail.requests.HANDLERS)."""
    organisation = mail_request.organisation
    user = services.find_by_identifier(organisation, mail_request.value)
    what = _what_to_send(organisation, user)
    if what is None or not throttle.allow(user.email, organisation):
        return
    language = user.language or mail_request.language
    if what == "activation":
        activation.send_welcome(user, language=language, source=mail_request.source)  # audited there
    else:
        send_link(user, language)
        audit.record(Event.PASSWORD_RESET_SENT, organisation=organisation, subject=user, source=mail_request.source)


def _what_to_send(organisation, user) -> str | None:
    if user is None or not organisation.policy.allow_password:
        return None
    if user.status == UserStatus.PENDING:
        return "activation"
    return "reset" if user.status == UserStatus.ACTIVE else None


def send_link(user, language: str) -> None:
    organisation = user.organisation
    minutes = organisation.policy.reset_link_minutes
    raw = tokens.issue(user, Purpose.PASSWORD_RESET, timedelta(minutes=minutes))
    context = {"user": user, "minutes": minutes, "reset_link": _link(organisation, "password_reset:link", token=raw),
               "forgot_link": _link(organisation, "password_reset:forgot")}
    outbox.queue("password_reset", user.email, context, organisation=organisation, language=language)


def examine(organisation, raw: str) -> Checked:
    """What a reset link is, without using it. Only an active account can be reset (one
    blocked since the link was sent cannot)."""
    checked = tokens.check(raw, Purpose.PASSWORD_RESET, organisation)
    if checked.token is not None and checked.token.user.status != UserStatus.ACTIVE:
        return Checked(State.UNKNOWN)
    return checked


@transaction.atomic
def reset(request, organisation, raw: str, password: str) -> State:
    """Use the link once and set the new password; everything else in the same transaction."""
    checked = tokens.redeem(raw, Purpose.PASSWORD_RESET, organisation)
    if checked.state != State.VALID:
        return checked.state
    user = checked.token.user
    if user.status != UserStatus.ACTIVE:
        return State.UNKNOWN
    services.set_password(user, password)  # also kills every other outstanding link
    # Whoever knew the old password is out, on every device.
    end_sessions_of(user, "password_reset")
    # Issue 4 hook: lift a temporary lock-out of this account here (a successful reset
    # proves the mailbox, as PRODUCT.md's lock-out policy says).
    audit.record(Event.PASSWORD_RESET_DONE, request=request, actor=user, subject=user)
    context = {"user": user, "changed_at": clock.now(), "forgot_link": _link(organisation, "password_reset:forgot"),
               "login_link": _link(organisation, "signin:login")}
    outbox.queue("password_changed", user.email, context, organisation=organisation,
                 language=user.language or request.LANGUAGE_CODE)
    return State.VALID
