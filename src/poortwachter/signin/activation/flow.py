"""Activation: the welcome e-mail of a user created without a password, and the choice of
a first password through its link, after which the person is signed in.

Who may send the welcome e-mail (CLI now, console later, "forgot my password" for an account
that is still waiting) calls `send_welcome`; a new one makes every older link useless
(`tokens.issue`). The link only works while the account waits for activation."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from poortwachter.accounts import services, tokens
from poortwachter.accounts.models import UserStatus
from poortwachter.accounts.tokens import Checked, Purpose, State
from poortwachter.mail import outbox
from poortwachter.methods import password as password_method
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.signin import flow as signin_flow


def _slug_kwargs(organisation, **extra) -> dict:
    return {"organisation_slug": organisation.slug, **extra}


@transaction.atomic
def send_welcome(user, *, language: str = "", source: str | None = None) -> None:
    """Issue a new activation link and queue the welcome e-mail, in one transaction.
    `language` is used when the user has none of their own (e.g. the page's language);
    `source` is the address that asked, when a person asked (not the CLI or console)."""
    if user.status != UserStatus.PENDING:
        raise ValidationError(_("This account is already active; it needs no activation e-mail."))
    organisation = user.organisation
    days = organisation.policy.activation_link_days
    raw = tokens.issue(user, Purpose.ACTIVATION, timedelta(days=days))
    context = {
        "user": user,
        "days": days,
        "activation_link": outbox.public_link(reverse("activation:link", kwargs=_slug_kwargs(organisation, token=raw))),
        # The address to bookmark: the seeds' "link om later opnieuw in te loggen".
        "login_link": outbox.public_link(reverse("signin:login", kwargs=_slug_kwargs(organisation))),
    }
    outbox.queue("welcome", user.email, context, organisation=organisation, language=user.language or language)
    audit.record(Event.ACTIVATION_SENT, organisation=organisation, subject=user, source=source)


def resend_welcome(organisation, email: str):
    """The administrator's "resend activation": the older link stops working."""
    user = services.find_by_identifier(organisation, email)
    if user is None:
        raise ValidationError(_("This organisation has no user with that e-mail address or username."))
    send_welcome(user)
    return user


def examine(organisation, raw: str) -> Checked:
    """What an activation link is, without using it. A link of an account that is no longer
    waiting (activated, or blocked since) counts as used: there is nothing left to do with it."""
    checked = tokens.check(raw, Purpose.ACTIVATION, organisation)
    if checked.token is not None and checked.token.user.status != UserStatus.PENDING:
        return Checked(State.USED, checked.token)
    return checked


@dataclass
class Activated:
    """The result of choosing the first password: `state` of the link; when VALID either
    `go_to` (signed in) or `refusal` (activated, but the organisation refuses sign-in)."""

    state: State
    go_to: str = ""
    refusal: str = ""


def activate(request, organisation, raw: str, password: str) -> Activated:
    """Use the link once, set the password, make the account active and sign the person in."""
    with transaction.atomic():
        checked = tokens.redeem(raw, Purpose.ACTIVATION, organisation)
        if checked.state != State.VALID:
            return Activated(checked.state)
        user = checked.token.user
        if user.status != UserStatus.PENDING:
            return Activated(State.USED)
        services.set_password(user, password)
        user.status, user.activated_at = UserStatus.ACTIVE, user.password_changed_at
        user.save(update_fields=["status", "activated_at"])
        audit.record(Event.ACCOUNT_ACTIVATED, request=request, actor=user, subject=user)
    # An organisation blocked for payment still lets its people activate (their password is
    # theirs), but not sign in: the same message the login page would give.
    barrier = signin_flow.refusal(user)
    if barrier is not None:
        audit.record(Event.SIGNIN_REFUSED, request=request, subject=user, reason=barrier[0])
        return Activated(State.VALID, refusal=barrier[1])
    return Activated(State.VALID, go_to=signin_flow.finish(request, user, amr=[password_method.AMR]).go_to)
