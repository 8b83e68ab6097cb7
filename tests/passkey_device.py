"""A software passkey for tests: an EC P-256 key (cryptography) that answers WebAuthn
options the way a browser and authenticator would, with attestation "none" (CBOR by cbor2),
so py_webauthn verifies registration and sign-in for real. Origin, RP ID, user
verification and the signature counter can be set wrong on purpose."""

import base64
import hashlib
import json
import os

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

RP_ID = "login.example.nl"
ORIGIN = "https://login.example.nl"
PUBLIC_URL = ORIGIN

UP, UV, AT = 0x01, 0x04, 0x40


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftPasskey:
    def __init__(self, rp_id: str = RP_ID, origin: str = ORIGIN, counter: int = 0):
        self.rp_id, self.origin, self.counter = rp_id, origin, counter
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.user_handle = b""

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin or self.origin,
                           "crossOrigin": False}).encode()

    def _auth_data(self, rp_id: str | None, flags: int, counter: int, attested: bytes = b"") -> bytes:
        rp_hash = hashlib.sha256((rp_id or self.rp_id).encode()).digest()
        return rp_hash + bytes([flags]) + counter.to_bytes(4, "big") + attested

    def create(self, options: dict, *, origin: str | None = None, rp_id: str | None = None) -> dict:
        """The answer to navigator.credentials.create({publicKey: options})."""
        self.user_handle = unb64(options["user"]["id"])
        attested = bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id + self._cose_key()
        auth_data = self._auth_data(rp_id, UP | UV | AT, self.counter, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {"id": b64(self.credential_id), "rawId": b64(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64(client_data), "attestationObject": b64(attestation),
                             "transports": ["internal"]},
                "clientExtensionResults": {}}

    def get(self, options: dict, *, origin: str | None = None, rp_id: str | None = None, verified: bool = True,
            counter: int | None = None) -> dict:
        """The answer to navigator.credentials.get({publicKey: options}); the counter grows
        by one unless given."""
        self.counter = self.counter + 1 if counter is None else counter
        auth_data = self._auth_data(rp_id, UP | (UV if verified else 0), self.counter)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": b64(self.credential_id), "rawId": b64(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64(client_data), "authenticatorData": b64(auth_data),
                             "signature": b64(signature), "userHandle": b64(self.user_handle) or None},
                "clientExtensionResults": {}}


def registered(user, device: SoftPasskey | None = None, name: str = "laptop") -> SoftPasskey:
    """A passkey registered for `user` through the real module."""
    from poortwachter.methods import passkey

    device = device or SoftPasskey()
    session = {}
    passkey.register(session, user, device.create(passkey.registration_options(session, user)), name)
    return device


def post_json(client, path: str, body: dict | None = None, **headers):
    return client.post(path, json.dumps(body or {}), content_type="application/json", **headers)
