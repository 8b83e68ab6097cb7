"""Changing one's e-mail address ("E-mailadres wijzigen"). Asking for it needs the current
password; it takes effect only when the new mailbox confirms by link, and the old address
is told both when a change is asked for and when it happened.

The confirmation link does not need a signed-in browser: the token was made by the
signed-in owner after re-entering their password, and opening it proves the new mailbox.
It acts only on the account that made it (the token names the user), never on whoever is
signed in where it is opened."""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from poortwachter import clock
from poortwachter.accounts import identity, passwords, tokens
from poortwachter.accounts.models import User
from poortwachter.accounts.passwords import HashingBusy
from poortwachter.accounts.tokens import EmailToken, Purpose, State
from poortwachter.mail import outbox, throttle
from poortwachter.personal.password_change import Outcome, wrong_current_password
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.signin import flow as signin_flow

# Not an organisation policy: PRODUCT.md names none for this link. A day lets a person
# read the mail in the other mailbox tomorrow; the link is useless without that mailbox.
LINK_LIFETIME = timedelta(hours=24)


def address_taken() -> str:
    return _("Another account of your organisation already uses this e-mail address. Choose another address.")


def is_taken(organisation, email: str, *, by_other_than) -> bool:
    return (User.objects.filter(organisation=organisation, email_key=identity.key(email))
            .exclude(pk=by_other_than.pk).exists())


def pending_address(user) -> str | None:
    """The new address still waiting for its confirmation, if any."""
    token = (EmailToken.objects.filter(user=user, purpose=Purpose.EMAIL_CHANGE, used_at__isnull=True,
                                       expires_at__gt=clock.now()).order_by("-created_at").first())
    return token.data.get("email") if token else None


def request_change(request, user, new_email: str, current_password: str) -> Outcome:
    if identity.key(new_email) == user.email_key:
        return Outcome(field="email", error=_("This is already your e-mail address."))
    try:
        proven = passwords.verify(user, current_password)
    except HashingBusy:
        return Outcome(busy=True)
    if not proven:
        # Issue 4 hooks here, as for the password change: a wrong password counts toward lock-out.
        return Outcome(field="current_password", error=wrong_current_password())
    # Only after the password: otherwise a borrowed session could probe which addresses exist.
    if is_taken(user.organisation, new_email, by_other_than=user):
        return Outcome(field="email", error=address_taken())
    # The new address can be anyone's: a signed-in person must not mail-bomb it.
    if not throttle.allow(new_email, user.organisation):
        return Outcome(error=_("Too many e-mails were sent to this address in the past hour. "
                               "Nothing was changed. Try again later."))
    _send_confirmation(request, user, new_email)
    return Outcome(done=True)


@transaction.atomic
def _send_confirmation(request, user, new_email: str) -> None:
    raw = tokens.issue(user, Purpose.EMAIL_CHANGE, LINK_LIFETIME, data={"email": new_email})
    organisation = user.organisation
    path = reverse("personal:email_confirm", kwargs={"organisation_slug": organisation.slug, "token": raw})
    context = {"user": user, "new_email": new_email, "old_email": user.email,
               "hours": int(LINK_LIFETIME.total_seconds() // 3600)}
    language = user.language or request.LANGUAGE_CODE
    outbox.queue("email_change_confirm", new_email, {**context, "link": outbox.public_link(path)},
                 organisation=organisation, language=language)
    outbox.queue("email_changed_notice", user.email, {**context, "changed": False},
                 organisation=organisation, language=language)
    audit.record(Event.EMAIL_CHANGE_REQUESTED, request=request, actor=user, subject=user)


class Result(StrEnum):
    VALID = "valid"  # waiting for the button
    CHANGED = "changed"
    ALREADY = "already"  # a second click on a link that already did its work
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"
    TAKEN = "taken"
    REFUSED = "refused"  # the account or organisation is blocked meanwhile


@dataclass
class Confirmation:
    result: Result
    user: User | None = None
    email: str = ""
    message: str = ""


def look(raw: str, organisation) -> Confirmation:
    """What the link is, without using it (GET: mail scanners open links too)."""
    return _describe(tokens.check(raw, Purpose.EMAIL_CHANGE, organisation))


def _describe(checked: tokens.Checked) -> Confirmation:
    if checked.token is None:
        return Confirmation(Result.UNKNOWN)
    user, email = checked.token.user, checked.token.data.get("email", "")
    result = {State.VALID: Result.VALID, State.EXPIRED: Result.EXPIRED, State.USED: Result.USED}[checked.state]
    if result is Result.USED and identity.key(email) == user.email_key:
        result = Result.ALREADY
    return Confirmation(result, user, email)


def confirm(request, raw: str, organisation) -> Confirmation:
    with transaction.atomic():
        found = look(raw, organisation)
        if found.result is not Result.VALID:
            return found
        user, email = found.user, found.email
        barrier = signin_flow.refusal(user)
        if barrier is not None:
            return Confirmation(Result.REFUSED, user, email, message=barrier[1])
        if is_taken(organisation, email, by_other_than=user):
            return Confirmation(Result.TAKEN, user, email)
        if tokens.redeem(raw, Purpose.EMAIL_CHANGE, organisation).state != State.VALID:
            return Confirmation(Result.USED, user, email)  # another click won the race
        if not _store(request, user, email):
            transaction.set_rollback(True)  # keep the link usable; nothing changed
            return Confirmation(Result.TAKEN, user, email)
    return Confirmation(Result.CHANGED, user, email)


def _store(request, user, email: str) -> bool:
    old = user.email
    user.email = email
    try:
        with transaction.atomic():  # the unique constraint settles a race for the same address
            user.save(update_fields=["email"])
    except IntegrityError:
        user.email = old
        return False
    # Links already mailed to the old address (reset, magic link) must not outlive it.
    tokens.revoke_all(user)
    outbox.queue("email_changed_notice", old, {"user": user, "new_email": email, "old_email": old, "changed": True},
                 organisation=user.organisation, language=user.language or request.LANGUAGE_CODE)
    audit.record(Event.EMAIL_CHANGED, request=request, actor=user, subject=user)
    return True
