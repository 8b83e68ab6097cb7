"""Forms of the console's user pages. They check shape (lengths, choices, roles of this
organisation only); the services in console.user_admin decide the rest."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from poortwachter.accounts import password_rules
from poortwachter.accounts.models import Role, UserStatus
from poortwachter.signin.forms import TOO_LONG


def _roles_field(organisation, required=False):
    # Only this organisation's roles can be chosen: an id of another organisation's role is
    # "not one of the available choices".
    return forms.ModelMultipleChoiceField(
        label=_("Roles"), queryset=Role.objects.filter(organisation=organisation), required=required,
        widget=forms.CheckboxSelectMultiple,
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, error_messages=TOO_LONG,
                        help_text=_("The start of a name, username or e-mail address."))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("any"))] + list(UserStatus.choices))
    role = forms.ModelChoiceField(label=_("Role"), required=False, queryset=Role.objects.none(),
                                  empty_label=_("any"))
    second_step = forms.ChoiceField(label=_("Two-step verification"), required=False,
                                    choices=[("", _("any")), ("on", _("set up")), ("off", _("not set up"))])
    signed_in = forms.ChoiceField(label=_("Last sign-in"), required=False, choices=[
        ("", _("any")), ("7", _("in the last 7 days")), ("30", _("in the last 30 days")),
        ("not90", _("not in the last 90 days")), ("never", _("never")),
    ])
    after = forms.CharField(required=False, max_length=254, widget=forms.HiddenInput)
    before = forms.CharField(required=False, max_length=254, widget=forms.HiddenInput)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = Role.objects.filter(organisation=organisation)


class UserCreateForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254, error_messages=TOO_LONG)
    name = forms.CharField(label=_("Name"), required=False, max_length=200, error_messages=TOO_LONG)
    username = forms.CharField(label=_("Username"), required=False, max_length=150, error_messages=TOO_LONG,
                               help_text=_("Leave empty to use the part of the e-mail address before the “@”."))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _roles_field(organisation)


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("New e-mail address"), max_length=254, error_messages=TOO_LONG)


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"), strip=False, max_length=password_rules.MAX_LENGTH, error_messages=TOO_LONG,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("The user receives it by e-mail. Their two-step verification is switched off "
                    "and they are signed out everywhere."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.user
        password_rules.check(password, organisation=user.organisation, username=user.username,
                             email=user.email, name=user.name)
        return password


class BlockForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown to the user when they try to sign in)"),
                             required=False, max_length=500, error_messages=TOO_LONG,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RolesForm(forms.Form):
    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _roles_field(organisation)


class SecondStepForm(forms.Form):
    required = forms.BooleanField(label=_("Require two-step verification for this user"), required=False)


class ConfirmForm(forms.Form):
    """A form with nothing but its CSRF token: the button is the confirmation."""


def first_error(error: ValidationError) -> str:
    return error.messages[0] if error.messages else str(error)
