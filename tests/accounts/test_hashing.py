"""Password hashing is bounded per process: when every slot is busy a sign-in gets a clear
"try again" (503) instead of piling up memory and latency."""

import pytest

from poortwachter.accounts import passwords
from tests import factories
from tests.signin.helpers import CountingVerifies, login

pytestmark = pytest.mark.django_db


def test_sign_in_gets_try_again_when_all_hash_slots_are_busy(client, org, settings, monkeypatch):
    factories.user(org, username="druk")
    settings.HASH_WAIT_SECONDS = 0.05
    verifies = CountingVerifies(monkeypatch)
    taken = 0
    while passwords._slots.acquire(blocking=False):
        taken += 1
    try:
        response = login(client, org, "druk")
    finally:
        for _ in range(taken):
            passwords._slots.release()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "erg druk" in response.content.decode()
    assert verifies.count == 0
    assert login(client, org, "druk").status_code == 302  # and fine once a slot is free
