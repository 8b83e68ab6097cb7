"""What every template may use: the organisation of the page, and links that switch the
language while staying on the same page."""

from urllib.parse import urlencode


def page(request):
    query = request.GET.copy()
    links = {}
    for code in ("nl", "en"):
        query["lang"] = code
        links[code] = f"{request.path}?{urlencode(sorted(query.items()))}"
    return {"organisation": getattr(request, "organisation", None), "language_links": links,
            "user": getattr(request, "user", None)}
