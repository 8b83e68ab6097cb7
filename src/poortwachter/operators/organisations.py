"""What the operator does with organisations: the overview, creating one (optionally with
its first administrator, who gets the welcome e-mail) and changing its status with the
message its users will read. Each action is audited with the operator's name."""

import copy
from datetime import date

from django.db import transaction
from django.db.models import Count

from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.tenants import services, status
from poortwachter.tenants.models import Organisation, Status

ADMIN_ROLE = "beheerder"


def overview():
    """Every organisation with its number of users: one query (a grouped count)."""
    return Organisation.objects.annotate(user_count=Count("users")).order_by("slug")


@transaction.atomic
def create(slug: str, name: str, *, contact: str = "", admin_email: str = "", admin_name: str = "",
           operator_name: str, request=None):
    """The organisation and its first administrator (with the welcome e-mail) are kept
    together, or neither: a bad e-mail address leaves no organisation behind."""
    from poortwachter.accounts.services import create_user
    from poortwachter.signin.activation.flow import send_welcome

    organisation = services.create_organisation(slug, name, contact=contact.strip())
    admin = None
    if admin_email.strip():
        admin = create_user(organisation, admin_email, name=admin_name, roles=[ADMIN_ROLE])
        send_welcome(admin)
    audit.record(Event.OPERATOR_ORGANISATION_CREATED, request=request, organisation=organisation,
                 subject=admin, subject_label=f"operator:{operator_name}",
                 reason="with administrator" if admin else "")
    return organisation, admin


@transaction.atomic
def change_status(organisation: Organisation, new_status: str, until: date | None, message: str, *,
                  operator_name: str, request=None) -> None:
    """Users already signed in lose their session at their next request once the new
    status refuses them (signin.middleware asks tenants.status on every request)."""
    services.set_status(organisation, new_status, until, message)
    audit.record(Event.OPERATOR_STATUS_CHANGED, request=request, organisation=organisation,
                 subject_label=f"operator:{operator_name}",
                 reason=(new_status + (f" until {until.isoformat()}" if until and new_status == Status.TRIAL else ""))[:60])


def preview(organisation: Organisation, new_status: str, until: date | None, message: str) -> str | None:
    """What a user of `organisation` would read at sign-in under these values (None: they
    get in), without saving anything."""
    shown = copy.copy(organisation)
    shown.status = new_status
    shown.trial_ends_on = until if new_status == Status.TRIAL else None
    shown.status_message = " ".join((message or "").split())[:500]
    return status.refusal(shown)
