"""Factories that go through the real services, so test data obeys the same rules as
data made by people."""

import itertools

from poortwachter.accounts import services
from poortwachter.tenants.services import create_organisation

PASSWORD = "paars-konijn-drinkt-thee"
_n = itertools.count(1)


def organisation(slug: str | None = None, name: str | None = None, policy: dict | None = None, **fields):
    n = next(_n)
    return create_organisation(slug or f"org{n}", name or f"Organisatie {n}", policy=policy, **fields)


def user(org, email: str | None = None, username: str | None = None, password: str | None = PASSWORD,
         roles=("medewerker",), name: str = "Jan Jansen"):
    n = next(_n)
    return services.create_user(org, email or f"persoon{n}@example.nl", username=username or f"persoon{n}",
                                name=name, roles=list(roles), password=password)
