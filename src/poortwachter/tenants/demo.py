"""The demo organisation that `serve` creates in demo mode, with the seeds' own policy
values, one admin and one employee, so every described behaviour can be tried at once."""

from django.db import transaction

from poortwachter.accounts.models import User
from poortwachter.accounts.services import create_user
from poortwachter.tenants.models import Organisation
from poortwachter.tenants.policy import SEED_VALUES
from poortwachter.tenants.services import create_organisation

SLUG = "demo"
NAME = "Demo Organisatie"
ACCOUNTS = [
    # (username, e-mail, name, role, password)
    ("beheerder", "beheerder@demo.poortwachter.test", "Bea Beheerder", "beheerder", "zomer-tulp-molen-2026"),
    ("medewerker", "medewerker@demo.poortwachter.test", "Mo Medewerker", "medewerker", "herfst-gracht-fiets-2026"),
]


@transaction.atomic
def ensure_demo() -> Organisation:
    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation is None:
        organisation = create_organisation(SLUG, NAME, policy=dict(SEED_VALUES))
    for username, email, name, role, password in ACCOUNTS:
        if not User.objects.filter(organisation=organisation, username=username).exists():
            create_user(organisation, email, username=username, name=name, roles=[role], password=password)
    from poortwachter.oidc.demo_app import register as register_demo_app

    register_demo_app(organisation)  # the demo app at /_demo-app/ signs in through this organisation
    return organisation
