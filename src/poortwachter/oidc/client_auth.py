"""Who is calling the token, revocation and introspection endpoints: an app of this
organisation proving itself with its secret (HTTP Basic or in the body), with a JWT signed
by its own key (`private_key_jwt`), or a public app naming itself.

Secrets are compared as SHA-256 digests in constant time; a client assertion is accepted
once (its `jti` is remembered in the shared cache until it expires)."""

import base64
import binascii
import hashlib
import hmac
import json
from urllib.parse import unquote_plus

from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from poortwachter import clock
from poortwachter.oidc import app_lookup
from poortwachter.oidc.issuer import ASSERTION_ALGS, endpoint, issuer
from poortwachter.oidc.models import App, AppKind
from poortwachter.oidc.registration import hash_secret

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_ASSERTION_SECONDS = 600


class ClientError(Exception):
    def __init__(self, error: str = "invalid_client", description: str = "", basic: bool = False):
        super().__init__(error)
        self.error, self.description, self.basic = error, description, basic
        self.status = 401 if error == "invalid_client" else 400


def _basic(header: str) -> tuple[str, str] | None:
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ClientError(description="malformed Basic credentials", basic=True)
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise ClientError(description="malformed Basic credentials", basic=True)
    # RFC 6749 2.3.1: both halves are form-urlencoded before they are joined.
    return unquote_plus(client_id), unquote_plus(secret)


def authenticate(request, organisation, post: dict) -> App:
    """The calling app, or ClientError; `post` is the request's parameters (form.read)."""
    basic = _basic(request.META.get("HTTP_AUTHORIZATION", ""))
    ways = [basic is not None, "client_secret" in post, "client_assertion" in post]
    if sum(ways) > 1:
        raise ClientError("invalid_request", "use one client authentication method")
    if basic is not None:
        if post.get("client_id", basic[0]) != basic[0]:
            raise ClientError("invalid_request", "client_id does not match the credentials")
        return _by_secret(organisation, *basic, basic=True)
    if "client_secret" in post:
        return _by_secret(organisation, post.get("client_id", ""), post["client_secret"])
    if "client_assertion" in post:
        return _by_assertion(organisation, post)
    app = _app(organisation, post.get("client_id", ""))
    if app is None or app.kind != AppKind.PUBLIC:
        raise ClientError(description="client authentication failed")
    return app


def _app(organisation, client_id: str) -> App | None:
    return app_lookup.by_client_id(organisation, client_id)


def _by_secret(organisation, client_id: str, secret: str, basic: bool = False) -> App:
    app = _app(organisation, client_id)
    expected = app.secret_hash if app is not None and app.secret_hash else "0" * 64
    # Compare even for an unknown app, so the answer takes the same time.
    same = hmac.compare_digest(hash_secret(secret), expected)
    if app is None or not app.secret_hash or not same:
        raise ClientError(description="client authentication failed", basic=basic)
    return app


def _by_assertion(organisation, post) -> App:
    if post.get("client_assertion_type") != JWT_BEARER:
        raise ClientError("invalid_request", "unsupported client_assertion_type")
    assertion = post["client_assertion"]
    client_id = _unverified_claims(assertion).get("sub")
    app = _app(organisation, client_id if isinstance(client_id, str) else "")
    if app is None or not app.jwks or app.kind == AppKind.PUBLIC:
        raise ClientError(description="client authentication failed")
    try:
        token = jwt.decode(assertion, KeySet.import_key_set(app.jwks), algorithms=ASSERTION_ALGS)
    except (JoseError, ValueError):
        raise ClientError(description="client assertion signature invalid")
    _check_assertion(organisation, app, token.claims)
    return app


def _unverified_claims(assertion: str) -> dict:
    """A first look, only to find the app whose keys then verify the assertion for real."""
    try:
        payload = assertion.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        raise ClientError(description="malformed client assertion")
    if not isinstance(claims, dict):
        raise ClientError(description="malformed client assertion")
    return claims


def _check_assertion(organisation, app: App, c: dict) -> None:
    now = clock.timestamp()
    audiences = c.get("aud") if isinstance(c.get("aud"), list) else [c.get("aud")]
    valid_aud = {endpoint(organisation, "token"), issuer(organisation), endpoint(organisation, "revoke"),
                 endpoint(organisation, "introspect")}
    exp, jti = c.get("exp"), c.get("jti")
    if c.get("iss") != app.client_id or c.get("sub") != app.client_id:
        raise ClientError(description="client assertion iss/sub must be the client_id")
    if not valid_aud & set(a for a in audiences if isinstance(a, str)):
        raise ClientError(description="client assertion audience is not this provider")
    if not isinstance(exp, int) or exp <= now or exp > now + MAX_ASSERTION_SECONDS:
        raise ClientError(description="client assertion expired or lives too long")
    if not isinstance(jti, str) or not jti:
        raise ClientError(description="client assertion needs a jti")
    seen = hashlib.sha256(f"{app.pk}:{jti}".encode()).hexdigest()
    if not cache.add(f"oidc-jti:{seen}", 1, timeout=exp - now + 60):
        raise ClientError(description="client assertion was used before")
