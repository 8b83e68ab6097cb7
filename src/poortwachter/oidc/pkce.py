"""PKCE (RFC 7636), S256 only: plain protects nothing against an attacker who can read
the authorization request, so it is refused at the authorization endpoint."""

import base64
import hashlib
import hmac
import re

VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


def challenge_of(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def verifier_matches(verifier: str, challenge: str) -> bool:
    if not verifier or not VERIFIER.match(verifier):
        return False
    return hmac.compare_digest(challenge_of(verifier), challenge)
