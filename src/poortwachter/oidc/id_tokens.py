"""ID tokens and logout tokens: signed JWTs of the organisation's key (ES256 unless the
app asked for RS256), and reading an `id_token_hint` back.

A token is put together here (RFC 7515 compact serialisation) and signed by the key object
of `cryptography` that keys.py keeps decrypted: a JWT library around the same signature
cost the token endpoint more than the signature itself. Reading tokens back is joserfc's."""

import base64
import json
import secrets

from joserfc import jwt
from joserfc.errors import JoseError

from poortwachter import clock
from poortwachter.oidc import claims, keys
from poortwachter.oidc.issuer import issuer

ID_TOKEN_SECONDS = 600
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def _segment(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def sign(organisation, payload: dict, alg: str = "ES256", typ: str = "JWT") -> str:
    signer = keys.signing_key(organisation, alg)
    signing_input = signer.header(typ) + b"." + _segment(json.dumps(payload, separators=(",", ":")).encode())
    return (signing_input + b"." + _segment(signer.sign(signing_input))).decode("ascii")


def for_grant(organisation, app, grant, user, scope: str, nonce: str = "", roles: list[str] | None = None) -> str:
    """`grant` is anything with the sign-in's sid, auth_time, amr and acr (a Grant, or the
    row the token endpoint read); `roles` the person's roles when already read."""
    now = clock.timestamp()
    scopes = set(scope.split())
    payload = {
        "iss": issuer(organisation), "aud": app.client_id, "azp": app.client_id,
        "iat": now, "exp": now + ID_TOKEN_SECONDS, "auth_time": grant.auth_time,
        "amr": grant.amr, "acr": grant.acr,
        **claims.user_claims(user, scopes, roles),
    }
    if nonce:
        payload["nonce"] = nonce
    if grant.sid:
        payload["sid"] = grant.sid
    return sign(organisation, {k: v for k, v in payload.items() if v is not None and v != ""},
                app.id_token_signed_response_alg)


def logout_token(organisation, app, *, sub: str | None, sid: str | None) -> str:
    """OpenID Connect Back-Channel Logout 1.0, section 2.4."""
    now = clock.timestamp()
    payload = {"iss": issuer(organisation), "aud": app.client_id, "iat": now, "exp": now + 120,
               "jti": secrets.token_urlsafe(16), "events": {BACKCHANNEL_EVENT: {}}}
    if sub:
        payload["sub"] = sub
    if sid:
        payload["sid"] = sid
    return sign(organisation, payload, app.id_token_signed_response_alg, typ="logout+jwt")


def read_hint(organisation, token: str) -> dict | None:
    """The claims of an ID token this organisation signed (expired ones too: a logout hint
    is usually old), or None."""
    try:
        decoded = jwt.decode(token, keys.key_set(organisation), algorithms=list(keys.ALGORITHMS))
    except (JoseError, ValueError, TypeError):
        return None
    if decoded.claims.get("iss") != issuer(organisation):
        return None
    return decoded.claims
