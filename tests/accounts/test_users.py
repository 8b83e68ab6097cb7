"""Users and roles: unique per organisation, case-insensitive; seeded roles."""

import pytest
from django.core.exceptions import ValidationError

from poortwachter.accounts.models import Role, UserStatus
from poortwachter.accounts.services import create_user
from tests import factories

pytestmark = pytest.mark.django_db


def test_email_and_username_are_unique_per_organisation_ignoring_case(org):
    factories.user(org, email="Sanne@Example.nl", username="Sanne")
    with pytest.raises(ValidationError, match="e-mailadres"):
        create_user(org, "sanne@example.NL")
    with pytest.raises(ValidationError, match="gebruikersnaam"):
        create_user(org, "ander@example.nl", username="SANNE")
    with pytest.raises(ValidationError, match="gebruikersnaam"):
        create_user(org, "ander@example.nl", username="ｓａｎｎｅ")  # full-width


def test_username_is_derived_from_the_email_when_not_given(org):
    first = create_user(org, "jan@example.nl")
    second = create_user(org, "jan@elders.nl")
    assert (first.username, second.username) == ("jan", "jan2")


def test_username_cannot_contain_at_sign(org):
    with pytest.raises(ValidationError):
        create_user(org, "iemand@example.nl", username="a@b")


@pytest.mark.parametrize("bad", ["", "geen-at", "twee@@example.nl", "spatie in@example.nl", "x" * 300 + "@example.nl"])
def test_bad_email_is_refused(org, bad):
    with pytest.raises(ValidationError):
        create_user(org, bad)


def test_user_without_password_waits_for_activation(org):
    user = create_user(org, "wacht@example.nl")
    assert user.status == UserStatus.PENDING and not user.has_usable_password()


def test_user_with_password_is_active(org):
    user = factories.user(org)
    assert user.status == UserStatus.ACTIVE and user.password_changed_at is not None


def test_new_organisation_gets_default_roles(org):
    roles = {r.name: r for r in Role.objects.filter(organisation=org)}
    assert roles["beheerder"].console_access and not roles["medewerker"].console_access
    assert roles["medewerker"].landing_url == "dashboard"


def test_unknown_role_is_refused(org):
    with pytest.raises(ValidationError, match="Onbekende rol"):
        create_user(org, "rol@example.nl", roles=["directeur"])
