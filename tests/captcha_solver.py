"""Solving Poortwachter's CAPTCHA in Python, for tests that sign in over HTTP after the
check is demanded: `solve(client, organisation)` fetches a challenge from the real endpoint
(or, without a client, makes one directly), finds the answer with the `altcha` package's
own solver, and returns the payload to POST as the field `altcha` — what the widget does
in a browser.

Solving takes real work (CAPTCHA_MAX_NUMBER tries of PBKDF2 at most: up to a few seconds
at the default); tests that solve often use the `easy_captcha` fixture."""

import base64
import json

import altcha
import pytest
from django.urls import reverse

from poortwachter.security import captcha


def challenge_of(client, organisation) -> dict:
    if client is None:
        return captcha.challenge(organisation)
    url = reverse("security:captcha_challenge", kwargs={"organisation_slug": organisation.slug})
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.json()


def payload(challenge: dict, solution: altcha.Solution) -> str:
    """The field value exactly as the widget builds it: base64 of the JSON."""
    data = {"challenge": challenge, "solution": solution.to_dict()}
    return base64.b64encode(json.dumps(data).encode()).decode()


def solve(client, organisation) -> str:
    challenge = challenge_of(client, organisation)
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge), timeout=60)
    assert solution is not None, "no answer found"
    return payload(challenge, solution)


@pytest.fixture
def easy_captcha(settings):
    """Challenges with at most 20 tries, so solving them costs a test milliseconds."""
    settings.CAPTCHA_MAX_NUMBER = 20
