"""Where to go after sign-in when the request names a place (`next`). Only a path inside
this organisation's own portal is accepted: no absolute URLs, no `//host`, no `/\\host`,
no percent-encoded or control-character tricks, no `..`."""

from urllib.parse import unquote, urlsplit

from django.utils.http import url_has_allowed_host_and_scheme

MAX_LENGTH = 2000


def _suspicious(text: str) -> bool:
    return (
        "\\" in text
        or text.startswith("//")
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)
        or "/../" in text or text.endswith("/..") or "/./" in text
    )


def safe_next(value: str | None, organisation) -> str | None:
    if not value or len(value) > MAX_LENGTH or not value.startswith(organisation.portal_path):
        return None
    decoded = value
    for _ in range(4):  # double and triple encoding show their hand after decoding
        if _suspicious(decoded):
            return None
        decoded = unquote(decoded)
    if _suspicious(decoded):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=set()):
        return None
    return value
