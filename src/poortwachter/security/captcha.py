"""The CAPTCHA demanded after repeated failed sign-ins: an ALTCHA proof of work.

`challenge(organisation)` makes a signed puzzle for the browser widget
(static/altcha/, served from our own files); `verify(organisation, payload)` accepts the
widget's answer once. We use the ALTCHA v2 format (the widget 3.x speaks it) with PBKDF2,
in the "deterministic" mode: the server picks a secret counter between 0 and
`CAPTCHA_MAX_NUMBER`, derives its key and hands out the start of that key; the browser has
to try counters until it finds the same key. The work is bounded (no unlucky person waits
for ever) and checking an answer costs one HMAC, never a key derivation, so refused
attempts stay cheap; making a challenge costs one derivation (about 1 ms). PBKDF2 iterations per try keep a native solver not much faster than
the browser (each try is real work, not JavaScript overhead).

An answer is refused unless it is for this organisation (the signing keys are derived from
the organisation's id), unexpired by `poortwachter.clock`, and not used before (an atomic
shared counter per challenge, security/counters.py, so every process sees the first use)."""

import base64
import binascii
import json
import logging
import secrets
from datetime import timedelta

import altcha
from django.conf import settings
from django.utils.crypto import salted_hmac

from poortwachter import clock
from poortwachter.security import counters

log = logging.getLogger(__name__)

ALGORITHM = "PBKDF2/SHA-256"
ITERATIONS = 2000  # per try; about 0.8 ms in Chromium on one core here
LIFETIME = timedelta(minutes=10)
DEFAULT_MAX_NUMBER = 3000
MAX_PAYLOAD = 4096  # a real answer is about 800 characters
_KEY_SALT = "poortwachter.security.captcha"


def max_number() -> int:
    return max(1, int(getattr(settings, "CAPTCHA_MAX_NUMBER", DEFAULT_MAX_NUMBER)))


def _secrets(organisation) -> tuple[str, str]:
    """The keys that sign challenges and derived keys for this organisation, derived from
    SECRET_KEY (never the secret itself)."""
    signing = salted_hmac(_KEY_SALT, f"challenge:{organisation.pk}", algorithm="sha256")
    derived = salted_hmac(_KEY_SALT, f"derived-key:{organisation.pk}", algorithm="sha256")
    return signing.hexdigest(), derived.hexdigest()


def challenge(organisation) -> dict:
    """A fresh signed challenge as the widget expects it (JSON: parameters, signature)."""
    signing, derived = _secrets(organisation)
    made = altcha.create_challenge(
        ALGORITHM,
        ITERATIONS,
        counter=secrets.randbelow(max_number() + 1),
        expires_at=int((clock.now() + LIFETIME).timestamp()),
        hmac_secret=signing,
        hmac_key_secret=derived,
    )
    return made.to_dict()


def verify(organisation, payload: str) -> bool:
    """True only for a correct, unexpired answer to a challenge of this organisation that
    was not used before. Garbage of any kind is False, never an exception."""
    if not isinstance(payload, str) or not payload or len(payload) > MAX_PAYLOAD:
        return False
    try:
        parsed = _parse(payload)
        if parsed is None or not _valid(organisation, parsed):
            return False
    except Exception:  # a malformed payload must never become a crash page
        return False
    return _first_use(parsed.challenge)


def _parse(payload: str):
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
        parsed = altcha.Payload.from_dict(data)
    except (ValueError, TypeError, KeyError, binascii.Error, RecursionError):
        return None
    expires_at = parsed.challenge.parameters.expires_at
    if type(expires_at) is not int or not isinstance(parsed.challenge.signature, str):
        return None
    return parsed


def _valid(organisation, parsed) -> bool:
    if parsed.challenge.parameters.expires_at <= clock.timestamp():
        return False
    signing, derived = _secrets(organisation)
    result = altcha.verify_solution(parsed, signing, hmac_key_secret=derived)
    # Our challenges always carry a signed derived key: checking an answer costs an HMAC,
    # never a key derivation.
    return bool(result.verified and parsed.challenge.parameters.key_signature)


def _first_use(challenge) -> bool:
    """Count this use of the challenge; only the first counts as an answer. The counter
    lives (on our clock) as long as the challenge could still be accepted. When the shared
    store fails, the answer is refused: the person simply gets a new check."""
    remaining = challenge.parameters.expires_at - clock.timestamp()
    try:
        return counters.incr(f"captcha:{challenge.signature}", remaining + 60) == 1
    except Exception:
        log.warning("CAPTCHA answer refused: the shared counters could not be reached", exc_info=True)
        return False
