"""Operator accounts: created on the command line (`poortwachter createoperator`), with
the product's password rules (accounts.password_rules: at least 15 characters, not
common, not guessable by zxcvbn). Kept apart from organisation users in every way."""

import re
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from poortwachter.accounts import identity, password_rules
from poortwachter.operators.models import Operator
from poortwachter.security import audit
from poortwachter.security.audit import Event

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,149}$")
MIN_PASSWORD_LENGTH = 15

# password_rules.check reads the length from an organisation's policy and refuses the
# organisation's name; an operator belongs to the installation, which stands in for it.
_INSTALLATION = SimpleNamespace(
    name="Poortwachter", slug="poortwachter",
    policy=SimpleNamespace(min_password_length=lambda user=None: MIN_PASSWORD_LENGTH),
)


def name_key(typed: str) -> str:
    """How a typed operator name is stored and looked up: case and Unicode forms folded."""
    return identity.key(typed)


def check_password(password: str, name: str) -> None:
    password_rules.check(password, organisation=_INSTALLATION, username=name)


@transaction.atomic
def create_operator(name: str, password: str, *, by: str = "cli") -> Operator:
    name = name_key(name)
    if not NAME_PATTERN.match(name):
        raise ValidationError(_("An operator name has 1 to 150 characters: letters, digits and . _ @ -, "
                                "starting with a letter or digit."))
    if Operator.objects.filter(name=name).exists():
        raise ValidationError(_("An operator named “%(name)s” already exists.") % {"name": name})
    check_password(password, name)
    operator = Operator(name=name)
    operator.set_password(password)
    operator.save()
    audit.record(Event.OPERATOR_CREATED, subject_label=f"operator:{name}", reason=by)
    return operator


def find(typed: str) -> Operator | None:
    return Operator.objects.filter(name=name_key(typed)).first() if typed else None
