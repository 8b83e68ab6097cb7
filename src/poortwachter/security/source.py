"""The address a request comes from. X-Forwarded-For is believed only when the peer is one
of the configured trusted proxies, and then read from the right: the first address that is
not itself a trusted proxy is the client. Garbage falls back to the peer address."""

import ipaddress

from django.conf import settings


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return address is not None and any(address in net for net in settings.TRUSTED_PROXIES)


def source_address(request) -> str:
    """Worked out once per request (a sign-in asks three times: counters, session, audit)."""
    found = request.__dict__.get("_poortwachter_source")
    if found is None:
        found = request.__dict__["_poortwachter_source"] = _source_address(request)
    return found


def _source_address(request) -> str:
    peer = _parse(request.META.get("REMOTE_ADDR", "")) or ipaddress.ip_address("0.0.0.0")
    if not _trusted(peer):
        return str(peer)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break  # a garbage hop: trust nothing left of it
        if not _trusted(address):
            return str(address)
    return str(peer)
