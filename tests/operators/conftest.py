"""Operators and signed-in operator clients for the operator console tests. Pages are
read in English (the language cookie), so assertions do not depend on the Dutch."""

import pytest
from django.test import Client

from poortwachter.operators.accounts import create_operator

OPERATOR_PASSWORD = "blauwe-vuurtoren-op-de-dijk"


def english(client: Client) -> Client:
    client.cookies["poortwachter-taal"] = "en"
    return client


def sign_in(client: Client, name: str = "beheer", password: str = OPERATOR_PASSWORD, **extra):
    return client.post("/_operator/login", {"name": name, "password": password, **extra})


@pytest.fixture
def operator(db):
    return create_operator("beheer", OPERATOR_PASSWORD)


@pytest.fixture
def operator_client(operator):
    client = english(Client())
    response = sign_in(client)
    assert response.status_code == 302, response.content
    return client
