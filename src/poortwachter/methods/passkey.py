"""Passkeys (WebAuthn, through py_webauthn): registering one, and checking one for a
passwordless sign-in, a second step or a re-authentication.

The relying party is the configured public URL, never the request's Host header: its host
is the RP ID and its scheme://host[:port] the only accepted origin. Each ceremony's challenge
waits in the session (small JSON: purpose, user id, time), expires after five minutes and
works once: it leaves the session when an answer comes in, and the shared cache refuses a
second answer to the same challenge even from a parallel request holding the old session.

The user handle given to authenticators is a keyed hash of the user's id, so it tells
nothing about the account. A signature counter that does not grow (while either side is
non-zero) means a copied authenticator: refused. The counter is claimed with one
conditional UPDATE so two answers with the same count cannot both win."""

import hashlib
import json
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from webauthn import (generate_authentication_options, generate_registration_options, options_to_json,
                      verify_authentication_response, verify_registration_response)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, generate_challenge
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.structs import (AttestationConveyancePreference, AuthenticatorSelectionCriteria,
                                      AuthenticatorTransport, PublicKeyCredentialDescriptor,
                                      ResidentKeyRequirement, UserVerificationRequirement)

from poortwachter import clock
from poortwachter.methods.models import Authenticator, Kind

AMR = "hwk"  # RFC 8176: proof of possession of a hardware-secured key
CHALLENGE_KEY = "passkey_challenge"
CHALLENGE_SECONDS = 5 * 60
TIMEOUT_MS = 2 * 60 * 1000  # a hint to the browser; the challenge lives longer
ALGORITHMS = [COSEAlgorithmIdentifier.ECDSA_SHA_256, COSEAlgorithmIdentifier.EDDSA,
              COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256]
TRANSPORTS = {t.value for t in AuthenticatorTransport}
_HANDLE_SALT = "poortwachter.passkey.user_handle"
_MAX_ID_BYTES = 1023  # WebAuthn: a credential id is at most 1023 bytes


class Purpose(StrEnum):
    SIGNIN = "signin"  # passwordless: the passkey alone
    SECOND_STEP = "second_step"
    REGISTER = "register"
    REAUTH = "reauth"


class Refused(Exception):
    """The answer does not prove anything. `reason` goes to the audit log; `user` is the
    owner of the credential when it was found (so the failure counts for that account)."""

    def __init__(self, reason: str, user=None):
        super().__init__(reason)
        self.reason, self.user = reason, user


def relying_party() -> tuple[str, str]:
    """(RP ID, origin) from the configured public URL."""
    public = urlsplit(settings.PUBLIC_URL)
    host = public.hostname or ""
    default_port = {"https": 443, "http": 80}.get(public.scheme)
    port = f":{public.port}" if public.port and public.port != default_port else ""
    return host, f"{public.scheme}://{host}{port}"


def user_handle(user, secret: str | None = None) -> bytes:
    return salted_hmac(_HANDLE_SALT, str(user.pk), secret=secret, algorithm="sha256").digest()


def _handle_matches(user, handle: bytes) -> bool:
    # Handles made under an earlier secret key still count (SECRET_KEY_FALLBACKS).
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(user_handle(user, s), handle) for s in secrets)


def passkeys_of(user):
    return Authenticator.objects.filter(user=user, kind=Kind.PASSKEY)


def _descriptors(user) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=bytes(a.credential_id),
                                          transports=[AuthenticatorTransport(t) for t in a.transports if t in TRANSPORTS])
            for a in passkeys_of(user)]


# --- the challenge -------------------------------------------------------------------------

def _remember(session, purpose: Purpose, challenge: bytes, user=None) -> None:
    session[CHALLENGE_KEY] = {"p": str(purpose), "c": bytes_to_base64url(challenge),
                              "u": user.pk if user is not None else None, "at": clock.timestamp()}


def _take_challenge(session, purpose: Purpose, user=None) -> bytes | None:
    """The waiting challenge for this purpose (and user), removed: it works once."""
    held = session.pop(CHALLENGE_KEY, None)
    if not isinstance(held, dict) or held.get("p") != purpose:
        return None
    if held.get("u") != (user.pk if user is not None else None):
        return None
    if not 0 <= clock.timestamp() - int(held.get("at", 0)) <= CHALLENGE_SECONDS:
        return None
    challenge = base64url_to_bytes(str(held.get("c", "")))
    # The session is not locked: two parallel answers could both find the challenge in it.
    digest = hashlib.sha256(challenge).hexdigest()
    if not cache.add(f"passkey-challenge-used:{digest}", 1, CHALLENGE_SECONDS + 60):
        return None
    return challenge


# --- registering ---------------------------------------------------------------------------

def registration_options(session, user) -> dict:
    """Options for navigator.credentials.create(): discoverable if the device can (so the
    passkey can sign in without a password), none of the user's passkeys again."""
    rp_id, _origin = relying_party()
    organisation = user.organisation
    options = generate_registration_options(
        rp_id=rp_id, rp_name=organisation.name, user_id=user_handle(user),
        # One host serves every organisation: the name tells the person which account it is.
        user_name=f"{user.email} ({organisation.name})", user_display_name=user.name or user.email,
        challenge=generate_challenge(), timeout=TIMEOUT_MS, attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=_descriptors(user), supported_pub_key_algs=ALGORITHMS)
    _remember(session, Purpose.REGISTER, options.challenge, user)
    return json.loads(options_to_json(options))


def register(session, user, credential, name: str = "") -> Authenticator:
    """Verify the answer of navigator.credentials.create() and store the passkey."""
    challenge = _take_challenge(session, Purpose.REGISTER, user)
    if challenge is None:
        raise Refused("challenge", user)
    rp_id, origin = relying_party()
    try:
        verified = verify_registration_response(credential=credential, expected_challenge=challenge,
                                                expected_rp_id=rp_id, expected_origin=origin,
                                                supported_pub_key_algs=ALGORITHMS)
    except Exception as error:  # any malformed or wrong answer is a refusal, never a crash
        raise Refused("invalid", user) from error
    transports = credential.get("response", {}).get("transports") if isinstance(credential, dict) else None
    transports = [t for t in transports if t in TRANSPORTS][:8] if isinstance(transports, list) else []
    try:
        with transaction.atomic():
            return Authenticator.objects.create(
                organisation_id=user.organisation_id, user=user, kind=Kind.PASSKEY, name=clean_name(name),
                credential_id=verified.credential_id, public_key=verified.credential_public_key,
                sign_count=verified.sign_count, transports=transports, last_used_at=clock.now())
    except IntegrityError as error:  # this credential is registered already (by anyone)
        raise Refused("exists", user) from error


def clean_name(name) -> str:
    return " ".join(str(name or "").split())[:100]


# --- proving -------------------------------------------------------------------------------

def authentication_options(session, purpose: Purpose, user=None) -> dict:
    """Options for navigator.credentials.get(). Without a user (passwordless) the device
    offers its discoverable passkeys and must verify the person (PIN, fingerprint)."""
    rp_id, _origin = relying_party()
    verification = UserVerificationRequirement.REQUIRED if purpose == Purpose.SIGNIN \
        else UserVerificationRequirement.PREFERRED
    options = generate_authentication_options(rp_id=rp_id, challenge=generate_challenge(), timeout=TIMEOUT_MS,
                                              allow_credentials=_descriptors(user) if user is not None else [],
                                              user_verification=verification)
    _remember(session, purpose, options.challenge, user)
    return json.loads(options_to_json(options))


def authenticate(session, purpose: Purpose, organisation, credential, user=None) -> Authenticator:
    """Verify the answer of navigator.credentials.get(). The passkey is looked up in this
    organisation only (and among `user`'s when given). Raises Refused."""
    challenge = _take_challenge(session, purpose, user)
    found = _find(organisation, credential, user)
    owner = found.user if found is not None else user
    if challenge is None:
        raise Refused("challenge", owner)
    if found is None:
        raise Refused("unknown_credential", owner)
    rp_id, origin = relying_party()
    try:
        # The counter is checked below, where it is also claimed.
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=bytes(found.public_key), credential_current_sign_count=0,
            require_user_verification=purpose == Purpose.SIGNIN)
    except Exception as error:  # any malformed or wrong answer is a refusal, never a crash
        raise Refused("invalid", owner) from error
    handle = credential.get("response", {}).get("userHandle")
    if purpose == Purpose.SIGNIN and handle and not _handle_matches(found.user, _decode(handle)):
        raise Refused("user_handle", owner)
    _claim_counter(found, verified.new_sign_count)
    return found


def _decode(value) -> bytes:
    try:
        return base64url_to_bytes(str(value))
    except ValueError:
        return b""


def _find(organisation, credential, user=None) -> Authenticator | None:
    raw_id = credential.get("rawId") if isinstance(credential, dict) else None
    credential_id = _decode(raw_id) if isinstance(raw_id, str) and len(raw_id) < 2 * _MAX_ID_BYTES else b""
    if not credential_id:
        return None
    found = Authenticator.objects.filter(organisation=organisation, kind=Kind.PASSKEY, credential_id=credential_id)
    if user is not None:
        found = found.filter(user=user)
    found = found.select_related("user").first()
    if found is not None:
        found.user.organisation = organisation
    return found


def _claim_counter(found: Authenticator, new: int) -> None:
    old = found.sign_count
    if (new or old) and new <= old:
        raise Refused("counter", found.user)  # a copied authenticator, or a replay
    claimed = Authenticator.objects.filter(pk=found.pk, sign_count=old).update(sign_count=new,
                                                                               last_used_at=clock.now())
    if claimed != 1:
        raise Refused("counter", found.user)
