"""The terms of service the operator publishes. Version 1 always exists (migration 0003,
and `current_version` puts it back if the table was emptied), so every administrator
accepts a version on first entry to the console; each publication is the previous
version + 1 and is audited."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from poortwachter.operators.models import TermsVersion
from poortwachter.security import audit
from poortwachter.security.audit import Event

MAX_LENGTH = 100_000

# The same text as migration 0003 (a migration keeps its own copy).
DEFAULT_TEXT = """\
Gebruiksvoorwaarden

Deze omgeving wordt u aangeboden door de beheerder van deze Poortwachter-installatie. \
Als beheerder van uw organisatie beheert u de accounts van uw gebruikers zorgvuldig: u maakt \
alleen accounts aan voor personen die er recht op hebben, u blokkeert accounts die niet meer \
nodig zijn en u deelt geen wachtwoorden. U verwerkt persoonsgegevens van uw gebruikers \
volgens de AVG. Misbruik kan leiden tot het opschorten van de toegang van uw organisatie.

Terms of service

This environment is provided by the operator of this Poortwachter installation. As an \
administrator of your organisation you manage your users' accounts with care: you create \
accounts only for people entitled to them, you block accounts that are no longer needed and \
you do not share passwords. You process your users' personal data in accordance with the \
GDPR. Misuse may lead to your organisation's access being suspended.
"""


def current_version() -> TermsVersion | None:
    """The newest published version. Version 1 is put back if the table is empty (a test
    database flushed between tests), so this practically never returns None."""
    newest = TermsVersion.objects.order_by("-version").first()
    if newest is not None:
        return newest
    try:
        with transaction.atomic():
            return TermsVersion.objects.get_or_create(version=1, defaults={"text": DEFAULT_TEXT})[0]
    except IntegrityError:  # another process put it back at the same moment
        return TermsVersion.objects.order_by("-version").first()


def publish(text: str, *, operator_name: str, request=None) -> TermsVersion:
    """A new version: the previous number + 1. Administrators accept it at their next
    console visit (console.terms compares their accepted version with the current one)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError(_("The terms of service cannot be empty."))
    if len(text) > MAX_LENGTH:
        raise ValidationError(_("The terms of service are too long: at most %(max)d characters.")
                              % {"max": MAX_LENGTH})
    current = current_version()
    if current is not None and current.text.replace("\r\n", "\n").strip() == text:
        raise ValidationError(_("This text is the same as the current version %(version)d; nothing was "
                                "published.") % {"version": current.version})
    try:
        with transaction.atomic():
            version = (current.version if current else 0) + 1
            published = TermsVersion.objects.create(version=version, text=text)
            audit.record(Event.OPERATOR_TERMS_PUBLISHED, request=request, organisation=None,
                         subject_label=f"operator:{operator_name}", reason=f"version {version}")
    except IntegrityError:  # two publications at once: the unique number refuses the second
        raise ValidationError(_("Another version was published at the same moment. Look at the "
                                "current version and try again."))
    return published
