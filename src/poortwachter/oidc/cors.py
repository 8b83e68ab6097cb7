"""Cross-origin calls from browser apps: a public app's JavaScript (PKCE, no secret) calls
the token, UserInfo and revocation endpoints from its own origin, and the browser lets it
read the answer only when the answer names that origin.

An origin is let in when it is the origin of a redirect URI registered for one of the
organisation's apps (Keycloak's default for an app's "web origins"): whoever registers
where people go back to has said where the app runs. These endpoints take no cookies (an
app proves itself in the request, a bearer token travels in its header), so CORS only
decides who may read an answer, never who may send a request: no credentials are allowed,
and a request from any other origin is still answered, without the header. Introspection
is for an app's server and gets nothing. Discovery and the JWKS are public (`*`, views.py).

What each process knows of the registered origins it keeps for two seconds, like the app
lookup (app_lookup.py); a change saved in this process is seen at once."""

import threading
import time
from functools import wraps
from urllib.parse import urlsplit

from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from poortwachter.oidc.models import App

TTL_SECONDS = 2.0
MAX_AGE_SECONDS = 600  # how long a browser may remember a preflight's answer
_DEFAULT_PORTS = {"http": 80, "https": 443}
_lock = threading.Lock()
_origins: dict[tuple, tuple[float, frozenset]] = {}


def origin_of(uri: str) -> str | None:
    """The origin a browser would send for a page at `uri` (scheme, host and a port other
    than the scheme's own), or None when it has none (an app's custom scheme, a bad URI)."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" + (f":{port}" if port and port != _DEFAULT_PORTS[scheme] else "")


def registered_origins(organisation) -> frozenset:
    key = (organisation.id, organisation.created_at.timestamp())
    now = time.monotonic()
    with _lock:
        hit = _origins.get(key)
    if hit is None or now - hit[0] > TTL_SECONDS:
        uris = App.objects.filter(organisation=organisation).values_list("redirect_uris", flat=True)
        found = frozenset(filter(None, (origin_of(uri) for listed in uris for uri in listed or ())))
        with _lock:
            if len(_origins) > 10_000:
                _origins.clear()
            hit = _origins[key] = (now, found)
    return hit[1]


def allows(request) -> str | None:
    """The request's Origin when the organisation's apps registered it, else None."""
    origin = request.META.get("HTTP_ORIGIN")
    if not origin or origin == "null" or len(origin) > 300:
        return None
    return origin if origin in registered_origins(request.organisation) else None


def endpoint(*methods: str):
    """For a view browser apps call: it answers the preflight (OPTIONS) itself, and names a
    registered origin in every answer. Requests without an Origin header (every app's
    server) pass untouched."""
    allowed_methods = ", ".join(methods)

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if "HTTP_ORIGIN" not in request.META:
                return view(request, *args, **kwargs)
            origin = allows(request)
            if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
                response = HttpResponse(status=204 if origin else 403)
                if origin:
                    response["Access-Control-Allow-Methods"] = allowed_methods
                    response["Access-Control-Allow-Headers"] = "authorization, content-type"
                    response["Access-Control-Max-Age"] = str(MAX_AGE_SECONDS)
            else:
                response = view(request, *args, **kwargs)
            if origin:
                response["Access-Control-Allow-Origin"] = origin
                if request.method != "OPTIONS":
                    response["Access-Control-Expose-Headers"] = "WWW-Authenticate"
            patch_vary_headers(response, ("Origin",))
            return response

        return wrapped

    return decorate


def forget(**kwargs) -> None:
    with _lock:
        _origins.clear()


post_save.connect(forget, sender=App, dispatch_uid="oidc.cors.save")
post_delete.connect(forget, sender=App, dispatch_uid="oidc.cors.delete")
