"""Roles over HTTP: create, rename, landing URL, console rights, delete (not while in use)."""

from datetime import timedelta

import pytest

from poortwachter.accounts.models import Role
from poortwachter.security.audit import AuditEvent
from tests import factories
from tests.console.conftest import base

pytestmark = pytest.mark.django_db


def role_data(**values):
    return {"name": "teamleider", "landing_url": "dashboard", "position": 30, **values}


def test_create_role(console, org, admin):
    response = console.post(base(org) + "roles/new", role_data(console_access="on"))
    assert response.status_code == 302
    role = Role.objects.get(organisation=org, name="teamleider")
    assert role.console_access and role.landing_url == "dashboard"
    assert AuditEvent.objects.filter(type="role.created", actor=admin, subject_label="teamleider").exists()


def test_rename_and_change_landing_url(console, org, admin):
    role = Role.objects.get(organisation=org, name="medewerker")
    response = console.post(base(org) + f"roles/{role.pk}/", role_data(name="agent", landing_url="https://app.example.nl/"))
    assert response.status_code == 302
    role.refresh_from_db()
    assert (role.name, role.landing_url) == ("agent", "https://app.example.nl/")
    event = AuditEvent.objects.get(type="role.changed", actor=admin)
    assert "name" in event.reason and "landing_url" in event.reason


@pytest.mark.parametrize("values", [{"name": "Beheerder"}, {"name": "  "}, {"landing_url": "javascript:alert(1)"},
                                    {"landing_url": "//evil.example"}, {"position": -1}])
def test_bad_role_input_is_refused(console, org, values):
    before = list(Role.objects.filter(organisation=org).values_list("name", flat=True))
    response = console.post(base(org) + "roles/new", role_data(**values))
    assert response.status_code == 200 and response.context["form"].errors
    assert list(Role.objects.filter(organisation=org).values_list("name", flat=True)) == before


def test_role_in_use_cannot_be_deleted(console, org):
    factories.user(org)  # a medewerker
    role = Role.objects.get(organisation=org, name="medewerker")
    response = console.post(base(org) + f"roles/{role.pk}/delete?lang=en")
    assert response.status_code == 400 and "still given to 1 user" in response.content.decode()
    assert Role.objects.filter(pk=role.pk).exists()


def test_unused_role_is_deleted(console, org, admin):
    role = Role.objects.create(organisation=org, name="tijdelijk")
    assert console.post(base(org) + f"roles/{role.pk}/delete").status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    assert AuditEvent.objects.filter(type="role.deleted", actor=admin, subject_label="tijdelijk").exists()


def test_admin_cannot_take_console_rights_from_their_only_role(console, org):
    role = Role.objects.get(organisation=org, name="beheerder")
    response = console.post(base(org) + f"roles/{role.pk}/", role_data(name="beheerder"))
    assert response.status_code == 200
    role.refresh_from_db()
    assert role.console_access


def test_role_changes_ask_for_reauthentication(console, org, clock):
    clock.advance(timedelta(minutes=6))
    response = console.get(base(org) + "roles/new")
    assert response.status_code == 302 and f"/{org.slug}/reauth" in response["Location"]


def test_roles_of_another_organisation_are_out_of_reach(console, org, other_org):
    foreign = Role.objects.create(organisation=other_org, name="ongebruikt")
    assert console.get(base(org) + f"roles/{foreign.pk}/").status_code == 404
    assert console.post(base(org) + f"roles/{foreign.pk}/", role_data(name="overgenomen")).status_code == 404
    assert console.post(base(org) + f"roles/{foreign.pk}/delete").status_code == 404
    assert Role.objects.filter(pk=foreign.pk, name="ongebruikt").exists()
    assert "ongebruikt" not in console.get(base(org) + "roles/").content.decode()
