"""Second step: a code from an authenticator app (RFC 6238: 6 digits, 30-second steps,
one step of drift either way). A code that was accepted is never accepted again: the last
accepted step is stored and only a later one counts, claimed with one conditional UPDATE so
two requests with the same code cannot both win."""

import hmac
import re

import pyotp
import segno

from poortwachter import clock
from poortwachter.methods.models import Authenticator, Kind
from poortwachter.security import sealed

AMR = "otp"  # RFC 8176
STEP_SECONDS = 30
DRIFT_STEPS = 1
_SEALED = "totp"
_NOT_DIGITS = re.compile(r"[\s\-.]")


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def grouped(secret: str) -> str:
    """The key as a person types it into an app: groups of four."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, user) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=user.organisation.name)


def qr_svg(uri: str) -> str:
    """An inline SVG (no script, no style attribute, so the CSP stays strict)."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, title="QR")


def normalise(typed: str) -> str | None:
    """Six digits, whatever spaces or dashes surround them; None when it is not that."""
    code = _NOT_DIGITS.sub("", typed or "")[:64]
    return code if len(code) == 6 and code.isascii() and code.isdigit() else None


def _matching_step(secret: str, code: str, after_step: int) -> int | None:
    hotp, now = pyotp.HOTP(secret), clock.timestamp() // STEP_SECONDS
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        # Every candidate is compared, so the time does not tell which one matched.
        if hmac.compare_digest(hotp.at(step), code) and step > after_step and found is None:
            found = step
    return found


def confirm(user, secret: str, typed: str) -> Authenticator | None:
    """Set-up: the first code from the app proves it holds the key."""
    code = normalise(typed)
    step = _matching_step(secret, code, 0) if code else None
    if step is None:
        return None
    Authenticator.objects.filter(user=user, kind=Kind.TOTP).delete()
    return Authenticator.objects.create(organisation_id=user.organisation_id, user=user, kind=Kind.TOTP,
                                        name="app", secret=sealed.seal(_SEALED, secret), last_step=step,
                                        last_used_at=clock.now())


def verify(user, typed: str) -> bool:
    """A sign-in or re-authentication code. False for a wrong, old or reused code."""
    code = normalise(typed)
    app = Authenticator.objects.filter(user=user, kind=Kind.TOTP).first()
    if code is None or app is None:
        return False
    secret = sealed.unseal(_SEALED, app.secret)
    step = _matching_step(secret, code, app.last_step) if secret else None
    if step is None:
        return False
    claimed = Authenticator.objects.filter(pk=app.pk, last_step__lt=step).update(
        last_step=step, last_used_at=clock.now())
    return claimed == 1


def is_code_shaped(typed: str) -> bool:
    return normalise(typed) is not None


