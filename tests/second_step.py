"""Helpers for tests of the second step: an authenticator app set up through the real
module, and the codes a phone would show (computed with pyotp, a third-party library)."""

import pyotp

from poortwachter import clock
from poortwachter.methods import totp


def set_up_app(user) -> str:
    """Set up an authenticator app for `user`; returns the key. The set-up code is taken
    from the previous 30-second step, so the current step's code is still unused."""
    secret = totp.new_secret()
    code = pyotp.HOTP(secret).at(clock.timestamp() // 30 - 1)
    assert totp.confirm(user, secret, code) is not None
    return secret


def code_now(secret: str, steps: int = 0) -> str:
    return pyotp.HOTP(secret).at(clock.timestamp() // 30 + steps)
