"""What an app learns about a person: the stable `sub` (per organisation), the session id
`sid` (derived from the session key, which it never reveals), how they signed in
(`amr`/`acr`, `auth_time`), and the claims each scope grants."""

import hashlib
import hmac
import uuid

from django.conf import settings

# `sub` must never change for a person, whatever happens to the secret key or the
# database ids in another installation's export; a name-based UUID of the organisation's
# and the user's ids is stable and reveals nothing a client could use.
SUBJECT_NAMESPACE = uuid.UUID("8f2b6a52-3d0e-4c55-9a51-7c1f0f5f2a10")
_subjects: dict[tuple, str] = {}  # every ID token and UserInfo answer needs one; a uuid5 costs more than the lookup


def subject(user) -> str:
    key = (user.organisation_id, user.pk)
    found = _subjects.get(key)
    if found is None:
        if len(_subjects) >= 20_000:
            _subjects.clear()
        found = _subjects[key] = str(uuid.uuid5(SUBJECT_NAMESPACE, f"{user.organisation_id}:{user.pk}"))
    return found


def session_id(session_key: str | None) -> str:
    if not session_key:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), b"oidc-sid:" + session_key.encode(), hashlib.sha256).hexdigest()[:43]


def assurance(session) -> tuple[list[str], str, int | None]:
    """(amr, acr, auth_time) of the signed-in session."""
    try:
        from poortwachter.signin import assurance as signin_assurance
    except ImportError:  # the lead's module is not there yet: read the session directly
        signin_assurance = None
    if signin_assurance is not None:
        return (list(signin_assurance.amr(session)), signin_assurance.acr(session),
                signin_assurance.auth_time(session))
    amr = list(session.get("amr", []))
    strong = len(set(amr) - {"email"}) > 1 or "mfa" in amr
    return amr, ("urn:poortwachter:acr:mfa" if strong else "urn:poortwachter:acr:pwd"), session.get("signed_in_at")


def user_claims(user, scopes: set[str], roles: list[str] | None = None) -> dict:
    claims = {"sub": subject(user)}
    if "profile" in scopes:
        claims["name"] = user.display_name
        claims["preferred_username"] = user.username
    if "email" in scopes:
        claims["email"] = user.email
        # The address was proven by the activation link (or set by an administrator who
        # created the account with a password: their word counts).
        claims["email_verified"] = user.activated_at is not None
    if "roles" in scopes:
        if roles is None:
            from poortwachter.oidc.store import role_names

            roles = role_names(user.pk)
        claims["roles"] = roles
    return claims
