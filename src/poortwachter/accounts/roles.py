"""Roles every new organisation starts with, and where a role sends a person after sign-in."""

from django.urls import reverse

from poortwachter.accounts.models import Role, User
from poortwachter.system import sql

# beheerder: "Instellingen en onderhoud" (console); medewerker: lands on the dashboard,
# like injixo's agents. Other roles land on the start page.
DEFAULT_ROLES = [
    {"name": "beheerder", "console_access": True, "landing_url": "", "position": 10},
    {"name": "medewerker", "console_access": False, "landing_url": "dashboard", "position": 20},
]


def seed_default_roles(organisation) -> None:
    for values in DEFAULT_ROLES:
        Role.objects.get_or_create(organisation=organisation, name=values["name"], defaults=values)


def landing_url(user) -> str:
    """The first landing URL among the user's roles; the portal's start page otherwise."""
    organisation = user.organisation
    for (target,) in sql.rows(  # plain SQL: every sign-in asks (system.sql)
            f"SELECT r.landing_url FROM {sql.table(Role)} r JOIN {sql.table(User.roles.through)} ur "
            f"ON ur.role_id = r.id WHERE ur.user_id = %s ORDER BY r.position, r.name", [user.pk]):
        target = target.strip()
        if not target:
            continue
        if target.startswith(("https://", "http://")):
            return target  # an app of the organisation, set by its admin
        return organisation.portal_path + target.lstrip("/")
    return reverse("portal:start", kwargs={"organisation_slug": organisation.slug})


def has_console_access(user) -> bool:
    """Any of the user's roles grants "Instellingen en onderhoud"."""
    return user.is_authenticated and user.roles.filter(console_access=True).exists()
