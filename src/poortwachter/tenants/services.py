"""Creating organisations and changing their status: used by the CLI and (later) the
operator console, so both refuse bad input the same way."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from poortwachter.tenants.models import Organisation, Status, validate_slug
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.tenants.policy import Policy


@transaction.atomic
def create_organisation(slug: str, name: str, *, policy: dict | None = None, **fields) -> Organisation:
    from poortwachter.accounts.roles import seed_default_roles

    slug = (slug or "").strip().lower()
    validate_slug(slug)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError(_("Give the organisation a name (at most 200 characters)."))
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError(_("An organisation with the short name “%(slug)s” already exists.") % {"slug": slug})
    organisation = Organisation.objects.create(slug=slug, name=name, **fields)
    Policy.objects.create(organisation=organisation, **(policy or {}))
    seed_default_roles(organisation)
    audit.record(Event.ORGANISATION_CREATED, organisation=organisation, subject_label=slug)
    return organisation


def set_status(organisation: Organisation, status: str, until: date | None = None, message: str | None = None) -> None:
    """`message`: the operator's own words for users of a blocked organisation (None keeps
    the current one, "" returns to the standard text)."""
    if status not in Status.values:
        raise ValidationError(
            _("Unknown status “%(status)s”; choose one of: %(choices)s.")
            % {"status": status, "choices": ", ".join(Status.values)}
        )
    if status == Status.TRIAL and until is None:
        raise ValidationError(_("A trial needs an end date (--until YYYY-MM-DD)."))
    organisation.status = status
    organisation.trial_ends_on = until if status == Status.TRIAL else None
    if message is not None:
        organisation.status_message = " ".join(message.split())[:500]
    with transaction.atomic():
        organisation.save(update_fields=["status", "trial_ends_on", "status_message"])
        audit.record(Event.ORGANISATION_STATUS_CHANGED, organisation=organisation,
                     reason=status + (f" until {until.isoformat()}" if until else ""))


def get_organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=(slug or "").strip().lower()).first()
    if organisation is None:
        raise ValidationError(_("There is no organisation with the short name “%(slug)s”.") % {"slug": slug})
    return organisation
