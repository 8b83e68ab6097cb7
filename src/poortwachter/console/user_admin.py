"""What an administrator does to one user of their organisation (the seeds: create users
and the welcome mail goes out, resend activation, change a user's e-mail, send a reset
link or set a password and send it — which switches 2FA off —, block or revoke access,
lift a lock). Each function audits with the administrator as actor; bad input raises
ValidationError with a message for the page, and nothing is changed."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from poortwachter.accounts import services
from poortwachter.accounts.models import Role, UserStatus
from poortwachter.accounts.roles import has_console_access
from poortwachter.console import branding
from poortwachter.mail import outbox
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.signin import lockout
from poortwachter.signin.activation import flow as activation
from poortwachter.signin.models import Session, end_session
from poortwachter.signin.password_reset import flow as password_reset


def _language(request, user) -> str:
    return user.language or request.LANGUAGE_CODE


def _not_yourself(request, user, message: str) -> None:
    if user.pk == request.user.pk:
        raise ValidationError(message)


@transaction.atomic
def create(request, *, email: str, username: str = "", name: str = "", roles=()):
    """A user waiting for activation, and the welcome e-mail with the activation link."""
    organisation = request.organisation
    user = services.create_user(organisation, email, username=username, name=name,
                                roles=[role.name for role in roles])
    user.organisation = organisation
    audit.record(Event.USER_CREATED, request=request, actor=request.user, subject=user, reason="console")
    activation.send_welcome(user, language=request.LANGUAGE_CODE)
    return user


def resend_activation(request, user) -> None:
    """A new welcome e-mail; the older activation link stops working."""
    if user.status != UserStatus.PENDING:
        raise ValidationError(_("This account is already active; it needs no activation e-mail."))
    activation.send_welcome(user, language=request.LANGUAGE_CODE)


@transaction.atomic
def change_email(request, user, new_email: str) -> None:
    """At once, and both addresses are told (the old one: so a takeover cannot go unseen)."""
    old = services.change_email_by_admin(user, new_email)
    context = {"user": user, "old_email": old, "new_email": user.email,
               "brand": branding.for_organisation(user.organisation),
               "login_link": outbox.public_link(reverse("signin:login", kwargs={"organisation_slug": user.organisation.slug}))}
    for address in (user.email, old):
        outbox.queue("console_email_changed", address, context, organisation=user.organisation,
                     language=_language(request, user))
    audit.record(Event.EMAIL_CHANGED, request=request, actor=request.user, subject=user, reason="admin")


@transaction.atomic
def send_reset_link(request, user) -> None:
    """An active user gets a reset link; one still waiting gets a new welcome e-mail, since a
    reset link could not be used before activation."""
    if user.status == UserStatus.BLOCKED:
        raise ValidationError(_("This account is blocked. Unblock it first."))
    if user.status == UserStatus.PENDING:
        return resend_activation(request, user)
    password_reset.send_link(user, _language(request, user))
    audit.record(Event.PASSWORD_RESET_SENT, request=request, actor=request.user, subject=user, reason="admin")


def suggested_password() -> str:
    """A password the administrator may use as it is: 24 random characters."""
    return secrets.token_urlsafe(18)


def set_password(request, user, password: str) -> None:
    """Set and e-mail a new password; every second step of the user is switched off
    (Cliendo: "ook de 2 staps verificatie gaat uit")."""
    from poortwachter.methods.second_step import set_password_by_admin

    if user.status == UserStatus.BLOCKED:
        raise ValidationError(_("This account is blocked. Unblock it first."))
    set_password_by_admin(user, password, actor=request.user, request=request)


def remove_second_step(request, user) -> None:
    from poortwachter.methods.second_step import remove_all

    remove_all(user, actor=request.user, request=request)


def block(request, user, reason: str) -> None:
    _not_yourself(request, user, _("You cannot block your own account."))
    if user.status == UserStatus.BLOCKED:
        raise ValidationError(_("This account is already blocked."))
    services.block(user, reason=reason, actor=request.user, request=request)


def unblock(request, user) -> None:
    if user.status != UserStatus.BLOCKED:
        raise ValidationError(_("This account is not blocked."))
    services.unblock(user, actor=request.user, request=request)


def lift_lock(request, user) -> None:
    lockout.lift(user, actor=request.user, request=request)


@transaction.atomic
def set_roles(request, user, roles) -> None:
    roles = [role for role in roles if role.organisation_id == request.organisation.id]
    if user.pk == request.user.pk and not any(role.console_access for role in roles):
        raise ValidationError(_("You cannot take away your own console rights; another administrator can."))
    user.roles.set(roles)
    audit.record(Event.USER_ROLES_CHANGED, request=request, actor=request.user, subject=user,
                 reason=",".join(sorted(role.name for role in roles))[:60])


def require_second_step(request, user, required: bool) -> None:
    user.second_step_required = required
    user.save(update_fields=["second_step_required"])
    audit.record(Event.USER_SECOND_STEP_REQUIRED, request=request, actor=request.user, subject=user,
                 reason="on" if required else "off")


def sessions_of(user):
    return Session.objects.filter(user=user).order_by("-signed_in_at")


def end_one_session(request, user, session_key: str) -> None:
    if not end_session(user, session_key, "ended_by_admin"):
        raise ValidationError(_("This session has already ended."))
    audit.record(Event.SESSION_ENDED, request=request, actor=request.user, subject=user, reason="admin")


@transaction.atomic
def delete(request, user) -> None:
    _not_yourself(request, user, _("You cannot delete your own account."))
    audit.record(Event.USER_DELETED, request=request, actor=request.user, subject=user,
                 subject_label=f"{user.username} <{user.email}>")
    services.delete_user(user)


def roles_of(organisation):
    return Role.objects.filter(organisation=organisation)


def is_admin(user) -> bool:
    return has_console_access(user)
