"""Signing keys per organisation: ES256 by default (fast), RS256 for apps that ask for it.

The private key is sealed with AES-GCM under a key derived (HKDF) from SECRET_KEY, bound to
its organisation and kid, so a database dump alone signs nothing. `rotate` retires the
signing key but keeps its public half in the JWKS for an overlap period. Each process
keeps an organisation's decrypted signing keys (`signing_key`) and its public keys: parsing
and decrypting per token would cost more than the signature. Tokens are signed with
`cryptography` directly (id_tokens.py); joserfc makes the keys and reads tokens back."""

import base64
import json
import os
import secrets
import threading
import time
from datetime import timedelta

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from joserfc.jwk import ECKey, KeySet, RSAKey

from poortwachter import clock
from poortwachter.oidc.models import SigningKey

ALGORITHMS = ("ES256", "RS256")
DEFAULT_OVERLAP = timedelta(days=2)
CACHE_SECONDS = 30.0

_lock = threading.Lock()
# Keyed by the organisation's id and creation time: a test database that hands out an id
# again must not meet the keys of the organisation that had it before.
_loaded: dict[tuple, tuple[float, "Signer"]] = {}  # (org, alg) -> (checked at, signer)
_public: dict[tuple, tuple[float, list[dict]]] = {}


def _org(organisation) -> tuple:
    return (organisation.id, organisation.created_at.timestamp())


def _sealing_key() -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"poortwachter-oidc",
                info=b"signing-key-at-rest").derive(settings.SECRET_KEY.encode())


def _seal(pem: bytes, bound_to: str) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(_sealing_key()).encrypt(nonce, pem, bound_to.encode())).decode()


def _unseal(sealed: str, bound_to: str) -> bytes:
    raw = base64.b64decode(sealed)
    return AESGCM(_sealing_key()).decrypt(raw[:12], raw[12:], bound_to.encode())


def _bound(organisation_id: int, kid: str) -> str:
    return f"{organisation_id}:{kid}"


def create(organisation, alg: str = "ES256") -> SigningKey:
    kid = secrets.token_urlsafe(12)
    params = {"kid": kid, "use": "sig", "alg": alg}
    if alg == "RS256":
        key = RSAKey.generate_key(2048, parameters=params, private=True)
    else:
        key = ECKey.generate_key("P-256", parameters=params, private=True)
    row = SigningKey.objects.create(
        organisation=organisation, kid=kid, alg=alg, public_jwk=key.as_dict(private=False),
        private_key=_seal(key.as_pem(private=True), _bound(organisation.id, kid)))
    forget(organisation)
    return row


def _current(organisation, alg: str) -> SigningKey | None:
    return (SigningKey.objects.filter(organisation=organisation, alg=alg, retired_at__isnull=True)
            .order_by("-created_at", "-id").first())


class Signer:
    """The private half of one signing key, ready to sign: the decrypted key object of
    `cryptography`, kept only in this process's memory (never logged, never pickled)."""

    __slots__ = ("kid", "alg", "_key", "_headers")

    def __init__(self, kid: str, alg: str, private_key):
        self.kid, self.alg, self._key = kid, alg, private_key
        self._headers: dict[str, bytes] = {}

    def header(self, typ: str) -> bytes:
        """The JWS header of this key with `typ`, base64url-encoded: the same for every
        token the key signs, so encoded once."""
        found = self._headers.get(typ)
        if found is None:
            text = json.dumps({"alg": self.alg, "kid": self.kid, "typ": typ}, separators=(",", ":"))
            found = self._headers[typ] = base64.urlsafe_b64encode(text.encode()).rstrip(b"=")
        return found

    def sign(self, message: bytes) -> bytes:
        """The JWS signature of `message` (RFC 7518 3.3 and 3.4: ES256 as r || s)."""
        if self.alg == "RS256":
            return self._key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        r, s = decode_dss_signature(self._key.sign(message, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def __repr__(self) -> str:
        return f"Signer({self.kid!r}, {self.alg!r})"


def signing_key(organisation, alg: str = "ES256") -> Signer:
    """What signs for `organisation` now (the key is made on first use). Decrypting and
    parsing a key costs more than a signature, so each process keeps the decrypted key; every
    CACHE_SECONDS it asks the database which key is current and decrypts again only when
    that changed (a rotation elsewhere). A rotation in this process is seen at once."""
    if alg not in ALGORITHMS:
        alg = "ES256"
    now = time.monotonic()
    with _lock:
        hit = _loaded.get((_org(organisation), alg))
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    row = _current(organisation, alg)
    if row is None:
        with transaction.atomic():
            row = _current(organisation, alg) or create(organisation, alg)
    if hit and hit[1].kid == row.kid:
        signer = hit[1]
    else:
        pem = _unseal(row.private_key, _bound(organisation.id, row.kid))
        signer = Signer(row.kid, alg, serialization.load_pem_private_key(pem, password=None))
    with _lock:
        _loaded[(_org(organisation), alg)] = (now, signer)
    return signer


def public_jwks(organisation) -> list[dict]:
    """Every key an app may meet in a token of `organisation`: the signing keys and the
    retired ones still inside their overlap."""
    now = time.monotonic()
    with _lock:
        hit = _public.get(_org(organisation))
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    rows = list(SigningKey.objects.filter(organisation=organisation).exclude(expires_at__lte=clock.now())
                .order_by("-created_at").values_list("public_jwk", flat=True))
    if not rows:
        signing_key(organisation)
        return public_jwks(organisation)
    with _lock:
        _public[_org(organisation)] = (now, rows)
    return rows


def key_set(organisation) -> KeySet:
    return KeySet.import_key_set({"keys": public_jwks(organisation)})


@transaction.atomic
def rotate(organisation, overlap: timedelta = DEFAULT_OVERLAP) -> list[SigningKey]:
    """A new signing key for every algorithm in use; the old ones retire and leave the
    JWKS after `overlap`. Keys past their overlap are deleted."""
    now = clock.now()
    SigningKey.objects.filter(organisation=organisation, expires_at__lte=now).delete()
    in_use = set(SigningKey.objects.filter(organisation=organisation, retired_at__isnull=True)
                 .values_list("alg", flat=True)) or {"ES256"}
    SigningKey.objects.filter(organisation=organisation, retired_at__isnull=True).update(
        retired_at=now, expires_at=now + overlap)
    created = [create(organisation, alg) for alg in sorted(in_use)]
    forget(organisation)
    return created


def forget(organisation=None) -> None:
    """Drop what this process remembers (of one organisation). Other processes pick a
    rotation up within CACHE_SECONDS; the overlap covers that."""
    with _lock:
        if organisation is None:
            _loaded.clear()
            _public.clear()
            return
        org = _org(organisation)
        for key in [k for k in _loaded if k[0] == org]:
            del _loaded[key]
        _public.pop(org, None)
