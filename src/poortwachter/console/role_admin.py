"""An organisation's roles: create, rename, landing URL, console rights, 2FA for the role,
delete (not while in use). Every change is audited with what changed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _, ngettext

from poortwachter.accounts.models import Role
from poortwachter.security import audit
from poortwachter.security.audit import Event

FIELDS = ("name", "landing_url", "console_access", "requires_second_step", "position")


def _changes(before: dict, role: Role) -> str:
    return ",".join(f for f in FIELDS if before.get(f) != getattr(role, f))


@transaction.atomic
def save(request, role: Role, before: dict | None) -> None:
    """Store a role made or changed by the form (`before`: its values before, None if new)."""
    if before is not None and before["console_access"] and not role.console_access:
        _keep_own_console_rights(request, role)
    role.organisation = request.organisation
    role.save()
    if before is None:
        audit.record(Event.ROLE_CREATED, request=request, actor=request.user, subject_label=role.name,
                     reason=f"role {role.pk}")
    else:
        audit.record(Event.ROLE_CHANGED, request=request, actor=request.user, subject_label=role.name,
                     reason=_changes(before, role)[:60])


def _keep_own_console_rights(request, role: Role) -> None:
    """Nobody takes the console away from themselves by accident; another admin can."""
    others = request.user.roles.filter(console_access=True).exclude(pk=role.pk)
    if role.users.filter(pk=request.user.pk).exists() and not others.exists():
        raise ValidationError(_("You cannot take console rights away from your own only role with "
                                "console rights; another administrator can."))


def values(role: Role) -> dict:
    return {f: getattr(role, f) for f in FIELDS}


@transaction.atomic
def delete(request, role: Role) -> None:
    in_use = role.users.count()
    if in_use:
        raise ValidationError(ngettext(
            "The role “%(name)s” is still given to %(count)d user; take it away from them first.",
            "The role “%(name)s” is still given to %(count)d users; take it away from them first.",
            in_use) % {"name": role.name, "count": in_use})
    audit.record(Event.ROLE_DELETED, request=request, actor=request.user, subject_label=role.name,
                 reason=f"role {role.pk}")
    role.delete()
