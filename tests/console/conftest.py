"""Console fixtures: an administrator (role "beheerder", console rights) signed in over HTTP
with the current terms of service accepted, and a second organisation to prove isolation."""

import pytest

from poortwachter.console.models import TermsAcceptance
from poortwachter.operators.terms import current_version
from tests import factories
from tests.signin.helpers import login


def accept_current_terms(user) -> None:
    current = current_version()
    if current is not None:
        TermsAcceptance.objects.get_or_create(user=user, version=current.version)


@pytest.fixture
def admin(org):
    user = factories.user(org, username="beheerder1", email="beheerder1@example.nl", roles=("beheerder",),
                          name="Bea Beheer")
    accept_current_terms(user)
    return user


@pytest.fixture
def console(client, org, admin):
    """The test client, signed in as `admin`."""
    assert login(client, org, admin.username).status_code == 302
    return client


@pytest.fixture
def other_org(db):
    return factories.organisation()


def base(org) -> str:
    return f"/{org.slug}/console/"
