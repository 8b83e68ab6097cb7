"""Requests the service sends to addresses an organisation chose (an app's back-channel
logout URI): only to the public internet, unless the operator allowed a network.

An organisation's admin is not the operator. Without this, a back-channel URI such as
http://127.0.0.1:6379/ or https://intranet.example/ (a name that resolves to 10.0.0.5) would
have the service POST into the operator's own network (server-side request forgery). So the
host is resolved here, every address it resolves to must be public (or in
`settings.OUTBOUND_ALLOWED_NETWORKS`, POORTWACHTER_OUTBOUND_NETWORKS), and the connection
goes to the address that was checked: a second lookup (DNS rebinding) cannot swap it.
Redirects are never followed."""

import http.client
import ipaddress
import socket
from functools import cache
from urllib.parse import urlencode, urlsplit

from django.conf import settings


class Refused(Exception):
    """The address may not be reached; the message says why (in English, for the log)."""


@cache
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(net.strip(), strict=False) for net in spec if net.strip())


def permitted(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if any(ip in net for net in _networks(tuple(settings.OUTBOUND_ALLOWED_NETWORKS))):
        return True
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> str:
    """The address to connect to, once every address `host` has is permitted."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Refused(f"cannot resolve {host}: {error}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    barred = [a for a in addresses if not permitted(a)]
    if not addresses or barred:
        raise Refused(f"{host} resolves to {', '.join(barred) or 'nothing'}: not a public address")
    return addresses[0]


def post_form(uri: str, fields: dict, timeout: float) -> int:
    """POST `fields` form-encoded to `uri`; the answer's status. Raises Refused, or OSError
    when the peer cannot be reached."""
    parts = urlsplit(uri)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Refused("bad port") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise Refused("only http:// and https:// addresses without credentials")
    address = _resolve(parts.hostname, port)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname, port, timeout=timeout)  # TLS checks the name, not the address
    connection._create_connection = lambda _where, wait, source: socket.create_connection(
        (address, port), wait, source)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=urlencode(fields).encode(),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        response.read(64 * 1024)
        return response.status
    finally:
        connection.close()
