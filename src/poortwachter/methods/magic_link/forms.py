"""The form that asks for a sign-in link: an e-mail address or a username, cleaned like
the reminder pages clean addresses (hidden characters dropped, ends trimmed)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from poortwachter.signin.forms import TOO_LONG
from poortwachter.signin.reminders.forms import typed_text, valid_address


class LinkRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("E-mail address or username"), max_length=254, error_messages=TOO_LONG,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )
    # Where to go after sign-in; checked by safe_next when it is used. A tampered value is
    # dropped rather than refused: a hidden field's error would be invisible.
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_next(self) -> str:
        value = self.cleaned_data["next"]
        return value if len(value) <= 2000 else ""

    def clean_identifier(self) -> str:
        value = typed_text(self.cleaned_data["identifier"])
        if "@" in value:
            return valid_address(value)
        # Usernames never contain spaces (accounts.services), so this names nobody.
        if not value or " " in value or len(value) > 150:
            raise ValidationError(_("Enter your e-mail address or your username (a username has no spaces)."))
        return value
