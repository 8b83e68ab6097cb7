"""The e-mail address form of the reminder pages, and how a typed address is cleaned.

People copy addresses from other e-mails and documents, and a hidden character sometimes
comes along (the q1000 help page warns about the "verborgen spatie"). Zero-width
characters are dropped wherever they are, the rest goes through `identity.clean` (ends
trimmed, full-width forms folded); case is folded later by `identity.key`."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from poortwachter.accounts import identity
from poortwachter.signin.forms import TOO_LONG

# Never meaningful inside an address or username: removed, not turned into a space, so
# "jan\u200b@example.nl" is still jan@example.nl.
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")


def typed_text(value: str) -> str:
    """What a person meant to type: no zero-width characters, no spaces at the ends."""
    return identity.clean(_ZERO_WIDTH.sub("", value or ""))


def not_an_address() -> ValidationError:
    return ValidationError(_("This is not a valid e-mail address. Check it for typing errors, "
                             "such as a missing “@” or a comma instead of a dot."), code="invalid")


def valid_address(value: str) -> str:
    value = typed_text(value)
    try:
        validate_email(value)
    except ValidationError:
        raise not_an_address()
    return value


class EmailAddressForm(forms.Form):
    email = forms.CharField(
        label=_("E-mail address"), max_length=254, error_messages=TOO_LONG,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True,
                                       "autocapitalize": "none", "spellcheck": "false"}),
    )

    def clean_email(self) -> str:
        return valid_address(self.cleaned_data["email"])
