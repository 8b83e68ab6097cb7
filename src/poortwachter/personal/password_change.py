"""Changing one's own password in personal settings ("Wachtwoord wijzigen"): prove the
current password, set the new one under the organisation's rules, end every other session
of the person, keep this one, tell them by e-mail and write the audit row — all in one
transaction, so the mail is sent exactly when the change happened."""

from dataclasses import dataclass

from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from poortwachter import clock
from poortwachter.accounts import passwords, services
from poortwachter.accounts.passwords import HashingBusy
from poortwachter.mail import outbox
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.signin.models import end_sessions_of


@dataclass
class Outcome:
    """`done`, or the message for `field` (None: the whole form), or `busy` (503)."""

    done: bool = False
    field: str | None = None
    error: str | None = None
    busy: bool = False


def wrong_current_password() -> str:
    return _("Your current password is not correct. Nothing was changed.")


def change(request, user, current: str, new: str) -> Outcome:
    try:
        proven = passwords.verify(user, current)
    except HashingBusy:
        return Outcome(busy=True)
    if not proven:
        # Issue 4 hooks here: a wrong current password counts toward the account's lock-out
        # like a failed sign-in (someone holding a stolen session may be guessing).
        return Outcome(field="current_password", error=wrong_current_password())
    if new == current:
        return Outcome(field="new_password", error=_("Your new password must differ from your current password."))
    try:
        _store(request, user, new)
    except ValidationError as error:  # the form checked the rules; this is their last word
        return Outcome(field="new_password", error=" ".join(error.messages))
    return Outcome(done=True)


@transaction.atomic
def _store(request, user, new: str) -> None:
    services.set_password(user, new)  # also kills every outstanding e-mail link
    ended = end_sessions_of(user, "password_changed", keep=request.session.session_key)
    # Django ends a session whose stored password hash is stale; this one stays, under a new key.
    update_session_auth_hash(request, user)
    audit.record(Event.PASSWORD_CHANGED, request=request, actor=user, subject=user, reason="personal")
    _tell(request, user, ended)


def _tell(request, user, ended_sessions: int) -> None:
    organisation = user.organisation
    outbox.queue(
        "password_changed_personal", user.email,
        {"user": user, "when": clock.now(),
         "ended_sessions": ended_sessions,
         "forgot_link": outbox.public_link(f"{organisation.portal_path}password/forgot")},
        organisation=organisation, language=user.language or request.LANGUAGE_CODE,
    )
