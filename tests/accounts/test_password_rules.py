"""The password rules (NIST 800-63B rev 4), with clear Dutch messages, wherever a password is set."""

import pytest
from django.core.exceptions import ValidationError

from poortwachter.accounts import password_rules
from poortwachter.accounts.services import create_user, set_password
from tests import factories

pytestmark = pytest.mark.django_db


def messages(password, org, **who):
    try:
        password_rules.check(password, organisation=org, **who)
    except ValidationError as error:
        return error.messages
    return []


def test_fifteen_characters_is_the_default_minimum(org):
    assert messages("kaas-brood-melk", org) == []  # 15
    assert messages("kaas-brood-mel", org) == ["Het wachtwoord is te kort: gebruik minstens 15 tekens."]


def test_eight_characters_suffice_where_a_second_factor_is_required(org):
    org.policy.two_factor = "everyone"
    org.policy.save()
    assert messages("zwk9#fiq", org) == []
    assert "minstens 8 tekens" in messages("zwk9#fi", org)[0]


def test_long_passwords_are_accepted(org):
    assert messages("een zin van heel veel woorden die samen een lang wachtwoord vormen voor mij", org) == []
    assert messages("x7$" * 300, org) == []  # 900 characters
    assert "te lang" in messages("a" * 1025, org)[0]


@pytest.mark.parametrize("common", ["1234567890qwertyuiop", "qwerty123456789", "kartoffelpuffer",
                                    "WachtwoordWachtwoord"])
def test_common_passwords_are_refused(org, common):
    assert "lijst van veelgebruikte wachtwoorden" in " ".join(messages(common, org))


def test_no_composition_rules(org):
    assert messages("alleen kleine letters en spaties", org) == []


def test_personal_values_are_refused(db):
    org = factories.organisation("bakkerij-de-korenschoof", "Bakkerij De Korenschoof")
    who = {"username": "marieke.vandenberg", "email": "marieke.vandenberg@example.nl", "name": "Marieke van den Berg"}
    for value in ("Marieke van den Berg", "MARIEKE.VANDENBERG", "marieke.vandenberg@example.nl",
                  "bakkerij de korenschoof", "bakkerij-de-korenschoof"):
        assert any("mag niet gelijk zijn" in m for m in messages(value, org, **who)), value


def test_trivial_patterns_are_refused(org):
    assert "te makkelijk te raden" in messages("aaaaaaaaaaaaaaaa", org)[0]


def test_rules_apply_when_creating_and_when_changing(org):
    with pytest.raises(ValidationError):
        create_user(org, "kort@example.nl", password="kort")
    user = factories.user(org)
    with pytest.raises(ValidationError):
        set_password(user, "qwerty123456789")
    user.refresh_from_db()
    assert user.check_password(factories.PASSWORD)  # unchanged


def test_strength_estimate_grows_with_better_passwords():
    assert password_rules.strength("aaaaaaaa") < password_rules.strength("paars konijn drinkt thee op zolder")
