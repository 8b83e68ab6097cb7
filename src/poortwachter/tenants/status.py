"""Whether an organisation lets its users in, and what they are told when it does not.
Shown only after the password was proven right, so strangers learn nothing."""

from django.utils import formats
from django.utils.translation import gettext as _

from poortwachter import clock
from poortwachter.tenants.models import Organisation, Status


def _contact(organisation: Organisation) -> str:
    from django.conf import settings

    return organisation.contact or settings.SUPPORT_CONTACT


def refusal(organisation: Organisation) -> str | None:
    """The message that refuses sign-in for the whole organisation, or None."""
    status = organisation.status
    contact = _contact(organisation)
    name = organisation.name
    if status == Status.TRIAL:
        ends = organisation.trial_ends_on
        if ends is None or clock.now().date() <= ends:
            return None
        text = _("The trial period of %(org)s ended on %(date)s. Sign-in is possible again "
                 "as soon as your organisation has taken out a subscription. Ask the "
                 "administrator of your organisation.") % {"org": name, "date": formats.date_format(ends)}
    elif status == Status.BLOCKED_PAYMENT:
        text = _("Access to %(org)s is blocked because of outstanding invoices. Ask the "
                 "administrator of your organisation to contact us.") % {"org": name}
    elif status == Status.CANCELLED:
        text = _("The subscription of %(org)s has been cancelled, so signing in is no longer "
                 "possible. Ask the administrator of your organisation.") % {"org": name}
    elif status == Status.SUSPENDED:
        text = _("Access to %(org)s has been suspended for now. Ask the administrator of "
                 "your organisation.") % {"org": name}
    else:
        return None
    if organisation.status_message:
        text = organisation.status_message
    if contact:
        text += " " + _("Contact: %(contact)s.") % {"contact": contact}
    return text
