"""Secrets kept encrypted at rest (TOTP keys): AES (Fernet) with a key derived from the
installation's secret key, so a copied database alone does not give them away."""

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@cache
def _box(purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=f"poortwachter sealed {purpose}".encode()).derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(purpose: str, value: str) -> str:
    return _box(purpose).encrypt(value.encode()).decode()


def unseal(purpose: str, sealed_value: str) -> str | None:
    """None when the value was sealed under another secret key (or altered)."""
    try:
        return _box(purpose).decrypt(sealed_value.encode()).decode()
    except (InvalidToken, ValueError):
        return None
