"""What every template may use: the organisation of the page, and links that switch the
language while staying on the same page."""

from urllib.parse import urlencode

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def page(request):
    organisation = getattr(request, "organisation", None)
    return {
        "organisation": organisation,
        # Display name, logo and accent colour of the organisation (console.branding).
        "branding": _branding(organisation),
        # Built only when a page's frame is rendered, not when it comes from the memo.
        "language_links": SimpleLazyObject(lambda: _language_links(request)),
        "user": getattr(request, "user", None),
        # The address to bookmark, built from the configured public URL (never the Host header).
        "portal_url": settings.PUBLIC_URL + organisation.portal_path if organisation else settings.PUBLIC_URL + "/",
    }


def _language_links(request) -> dict:
    query = request.GET.copy()
    links = {}
    for code in ("nl", "en"):
        query["lang"] = code
        links[code] = f"{request.path}?{urlencode(sorted(query.items()))}"
    return links


def _branding(organisation):
    if organisation is None:
        return None
    from poortwachter.console import branding

    return branding.for_organisation(organisation)
