"""Small helpers for sign-in tests over HTTP."""

import re

import argon2

from tests import factories


def login(client, org, identifier, password=factories.PASSWORD, next=None, altcha=None, **headers):
    data = {"identifier": identifier, "password": password}
    if next is not None:
        data["next"] = next
    if altcha is not None:
        data["altcha"] = altcha  # a solved CAPTCHA (tests.captcha_solver.solve)
    return client.post(f"/{org.slug}/login", data, **headers)


def without_tokens(html: str) -> str:
    """A page with its per-request CSRF token and CSP nonce blanked, for comparing answers."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    html = re.sub(r'nonce="[^"]+"', 'nonce=""', html)
    return re.sub(r'(name="identifier" )value="[^"]*"', r'\1value=""', html)


class CountingVerifies:
    """Counts argon2 verifications (the third-party library's, not our code)."""

    def __init__(self, monkeypatch):
        self.count = 0
        original = argon2.PasswordHasher.verify

        def counting(hasher, hash, password):
            self.count += 1
            return original(hasher, hash, password)

        monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
