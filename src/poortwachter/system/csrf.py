"""The CSRF token in page context (replaces django.template.context_processors.csrf).

Django's token is the cookie's secret behind a fresh random mask (so the token in a page
differs on every response; BREACH). Django draws that mask with one `secrets.choice` — one
read of the system's randomness — per character, 32 per page: on a small machine that was
a tenth of a signed-in page. Here the mask is drawn from one read of 48 random bytes,
uniformly (bytes above the last whole multiple of 62 are skipped), and combined with the
secret exactly as Django does, so Django's CsrfViewMiddleware checks it unchanged
(tests/system prove a form posted with it is accepted)."""

import secrets
from operator import add

from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.utils.functional import SimpleLazyObject

_CHARS = CSRF_ALLOWED_CHARS
_VALID = frozenset(_CHARS)
_USABLE = 256 - 256 % len(_CHARS)  # 248: bytes below it map onto the 62 characters evenly
# The arithmetic is done on bytes by bytes.translate, in C: a random byte becomes its mask
# value (b % 62; the uneven top bytes are deleted first), a character its index, and a
# value (an index plus a mask value, below 124) the character it stands for, mod 62.
_MASK_VALUE = bytes(b % len(_CHARS) for b in range(256))
_UNEVEN = bytes(range(_USABLE, 256))
_INDEX_OF = bytes.maketrans(_CHARS.encode(), bytes(range(len(_CHARS))))
_CHAR_OF = bytes(ord(_CHARS[v % len(_CHARS)]) for v in range(256))


def _mask() -> bytes:
    """CSRF_SECRET_LENGTH values, each uniform in 0..61."""
    mask = b""
    while len(mask) < CSRF_SECRET_LENGTH:
        mask += secrets.token_bytes(48).translate(_MASK_VALUE, _UNEVEN)
    return mask[:CSRF_SECRET_LENGTH]


def new_secret() -> str:
    """A new CSRF cookie secret (Django's rotate_token at every sign-in, or a first visit),
    from one read of the system's randomness; Django's draws one per character."""
    return _mask().translate(_CHAR_OF).decode()


def token(request, renew: bool = True) -> str:
    """A freshly masked token for the page. `renew=False` leaves the cookie's expiry alone
    (system.pages: a signed-in page; the login page renews it, and the cookie outlives the
    longest session, settings.CSRF_COOKIE_AGE); a page without a usable cookie always sets one."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH or not _VALID.issuperset(secret):
        return get_token(request)  # no (usable) cookie yet: Django makes one and masks it
    if renew:  # what get_token does besides masking: the cookie is sent again, renewing its expiry
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _mask()
    # Django's _mask_cipher_secret: each secret character moved on by its mask value, mod 62.
    cipher = bytes(map(add, secret.encode().translate(_INDEX_OF), mask)).translate(_CHAR_OF)
    return mask.translate(_CHAR_OF).decode() + cipher.decode()


def csrf(request):
    return {"csrf_token": SimpleLazyObject(lambda: token(request))}
