"""Accepting the terms of service: an administrator accepts the newest version the operator
published before using the console (SuperOffice: the dialog on first use of "Instellingen
en onderhoud"), and again when the operator publishes a new one."""

from django.db import IntegrityError, transaction

from poortwachter.console.models import TermsAcceptance
from poortwachter.operators.terms import current_version
from poortwachter.security import audit
from poortwachter.security.audit import Event


def outstanding(user):
    """The version `user` still has to accept, or None."""
    current = current_version()
    if current is None:
        return None
    if TermsAcceptance.objects.filter(user=user, version__gte=current.version).exists():
        return None
    return current


def accept(request, user, version: int) -> bool:
    """Record the acceptance of `version`; False when it is not the current version (the
    operator published a newer one while the page was open)."""
    current = current_version()
    if current is None or current.version != version:
        return False
    try:
        with transaction.atomic():
            TermsAcceptance.objects.create(user=user, version=version)
            audit.record(Event.TERMS_ACCEPTED, request=request, actor=user, subject=user,
                         reason=f"version {version}")
    except IntegrityError:
        pass  # a second click: already accepted
    return True
