"""The codes and tokens the provider hands out: a handle that names their row, then a
secret that proves them.

    <handle: 22 characters><secret: 43 characters>

The handle is the row's id, its kind (code, access or refresh token) and a generation,
encrypted as one AES block under a key derived from SECRET_KEY. The row is found by its
primary key and stores only the SHA-256 of the secret, which must match; so a database
reader can still not use what it reads, and an app learns nothing from a handle (not how
many tokens anyone was issued, not which two tokens belong together).

The generation says which row: 0 names a Token row (a machine app's access token, or a
person's token from before grants held their tokens), 1 and up a Grant and which pair of
its chain (models.Grant: a person's tokens live on their grant, and each refresh makes the
next generation).

Why not a hash index, as before: tokens are looked up by the hash of a random value, and
each of those unique indexes took every insert to a random page. With three of them
(codes, access and refresh tokens) a token exchange wrote three more pages and read a dozen
more than it needed; on SQLite a token row with its two hash indexes cost 105 µs to write,
without them 33 µs (bench/: the token endpoint beside /healthz).

A handle that does not decrypt to its kind's prefix is refused before any query: 6 bytes of
the block are fixed, so a made-up or altered handle passes with odds of 2**-48 (and then
still needs a row of the organisation and app, and the secret). Changing SECRET_KEY ends every code and token in circulation."""

import base64
import binascii
import hashlib
import secrets
import threading
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

HANDLE_LENGTH = 22  # one 16-byte block, base64url without padding
MAX_LENGTH = 200  # anything longer is no code or token of ours
_KINDS = {"code": b"c", "access": b"a", "refresh": b"r"}
_PREFIX = b"PW1"


@cache
def _cipher(secret_key: str) -> Cipher:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"poortwachter-oidc",
               info=b"code-and-token-handles").derive(secret_key.encode())
    return Cipher(algorithms.AES(key), modes.ECB())  # one block, never two alike: ECB is the block cipher itself


class _Contexts(threading.local):
    """An encrypting and a decrypting context per thread and key, kept open: ECB turns each
    whole block handed to `update` into its result at once, so one context serves every
    handle, and opening one cost more than the block itself (contexts are not thread-safe)."""

    def __init__(self):
        self.by_key: dict[str, tuple] = {}

    def get(self, secret_key: str) -> tuple:
        found = self.by_key.get(secret_key)
        if found is None:
            cipher = _cipher(secret_key)
            found = self.by_key[secret_key] = (cipher.encryptor(), cipher.decryptor())
        return found


_contexts = _Contexts()


# The block: prefix (3 bytes), kind (1), two zero bytes, generation (4), row id (6). Handles
# made before generations were there had four zero bytes and an 8-byte id: for any id
# below 2**48 the same bytes read as generation 0 and the same id.
_FIXED = 6
MAX_GENERATION = 2**31 - 1  # what a PositiveIntegerField holds on every database


def _fixed(kind: str) -> bytes:
    return _PREFIX + _KINDS[kind] + bytes(2)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What the row keeps of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def make(kind: str, row_id: int, secret: str, generation: int = 0) -> str:
    """The value handed out for row `row_id` of `kind` ("code", "access", "refresh"); a
    token's `generation` as the module's docstring says."""
    block = _contexts.get(settings.SECRET_KEY)[0].update(
        _fixed(kind) + generation.to_bytes(4, "big") + row_id.to_bytes(6, "big"))
    return base64.urlsafe_b64encode(block).rstrip(b"=").decode() + secret


def read(kind: str, value: str) -> tuple[int, str, int] | None:
    """(row id, secret, generation) of a value `make` made for `kind`, or None for anything
    else."""
    if not isinstance(value, str) or not HANDLE_LENGTH < len(value) <= MAX_LENGTH:
        return None
    try:
        raw = base64.urlsafe_b64decode(value[:HANDLE_LENGTH] + "==")
    except (ValueError, binascii.Error):
        return None
    if len(raw) != 16:
        return None
    block = _contexts.get(settings.SECRET_KEY)[1].update(raw)
    if block[:_FIXED] != _fixed(kind):
        return None
    return int.from_bytes(block[10:], "big"), value[HANDLE_LENGTH:], int.from_bytes(block[6:10], "big")
