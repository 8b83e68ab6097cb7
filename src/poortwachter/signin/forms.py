"""Forms of the sign-in pages. Limits are generous for people and small for attackers:
an over-long field is refused before anything is hashed."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from poortwachter.accounts import password_rules

TOO_LONG = {"max_length": _("This is too long: use at most %(limit_value)d characters.")}


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("E-mail address or username"), max_length=254, error_messages=TOO_LONG,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"), max_length=password_rules.MAX_LENGTH, strip=False, error_messages=TOO_LONG,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class NewPasswordForm(forms.Form):
    """New password twice; the rules of the user's organisation apply (password_rules)."""

    new_password = forms.CharField(
        label=_("New password"), strip=False, max_length=password_rules.MAX_LENGTH, error_messages=TOO_LONG,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    confirm_password = forms.CharField(
        label=_("Confirm password"), strip=False, max_length=password_rules.MAX_LENGTH, error_messages=TOO_LONG,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        new, confirm = data.get("new_password"), data.get("confirm_password")
        if new is None or confirm is None:
            return data
        if new != confirm:
            raise ValidationError(_("The two passwords are not the same."))
        user = self.user
        password_rules.check(new, organisation=user.organisation, username=user.username,
                             email=user.email, name=user.name)
        return data
