"""The "Wachtwoord vergeten?" form: one field, e-mail address or username, cleaned the way
sign-in cleans it (the seeds' hidden space)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from poortwachter.accounts import identity
from poortwachter.signin.forms import TOO_LONG


class ForgotPasswordForm(forms.Form):
    identifier = forms.CharField(
        label=_("E-mail address or username"), max_length=254, error_messages={
            **TOO_LONG, "required": _("Enter your e-mail address or username.")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )

    def clean_identifier(self) -> str:
        value = identity.clean(self.cleaned_data["identifier"])
        if not value:
            raise forms.ValidationError(_("Enter your e-mail address or username."))
        return value
