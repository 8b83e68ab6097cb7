"""What every template may use: the organisation of the page, and links that switch the
language while staying on the same page."""

from urllib.parse import urlencode

from django.conf import settings


def page(request):
    query = request.GET.copy()
    links = {}
    for code in ("nl", "en"):
        query["lang"] = code
        links[code] = f"{request.path}?{urlencode(sorted(query.items()))}"
    organisation = getattr(request, "organisation", None)
    return {
        "organisation": organisation,
        # Display name, logo and accent colour of the organisation (console.branding).
        "branding": _branding(organisation),
        "language_links": links,
        "user": getattr(request, "user", None),
        # The address to bookmark, built from the configured public URL (never the Host header).
        "portal_url": settings.PUBLIC_URL + organisation.portal_path if organisation else settings.PUBLIC_URL + "/",
    }


def _branding(organisation):
    if organisation is None:
        return None
    from poortwachter.console import branding

    return branding.for_organisation(organisation)
