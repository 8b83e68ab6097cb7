"""The terms of service the operator publishes."""

from poortwachter.operators.models import TermsVersion


def current_version() -> TermsVersion | None:
    """The newest published version, or None while nothing was published."""
    return TermsVersion.objects.order_by("-version").first()
