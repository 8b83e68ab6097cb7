"""Fixtures for the provider's tests: an organisation with a signed-in-able person and
registered apps, and Authlib's OAuth 2 client talking to our endpoints."""

import pytest

from poortwachter.oidc import keys
from tests.oidc import helpers


@pytest.fixture(autouse=True)
def _forget_keys():
    keys.forget()
    yield
    keys.forget()


@pytest.fixture
def web_app(org):
    return helpers.make_app(org, kind="confidential")


@pytest.fixture
def spa(org):
    return helpers.make_app(org, kind="public", name="Browser-app")


@pytest.fixture
def machine(org):
    return helpers.make_app(org, kind="machine", name="Koppeling", redirect_uris=[], allowed_scopes="roles")
