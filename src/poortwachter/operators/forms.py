"""Forms of the operator console. Bad input gets a field error and changes nothing; the
services (tenants.services, operators.terms) check again, so the CLI is held to the same
rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from poortwachter.accounts import password_rules
from poortwachter.operators import terms
from poortwachter.tenants.models import Organisation, Status, validate_slug

TOO_LONG = {"max_length": _("This is too long: use at most %(limit_value)d characters.")}


class LoginForm(forms.Form):
    name = forms.CharField(
        label=_("Operator name"), max_length=150, error_messages=TOO_LONG,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True,
                                      "autocapitalize": "none", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"), max_length=password_rules.MAX_LENGTH, strip=False, error_messages=TOO_LONG,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class OrganisationForm(forms.Form):
    slug = forms.CharField(label=_("Short name (in the address)"), max_length=63, error_messages=TOO_LONG,
                           help_text=_("Lower-case letters, digits and hyphens, e.g. acme: the portal is /acme/."),
                           widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}))
    name = forms.CharField(label=_("Name"), max_length=200, error_messages=TOO_LONG)
    contact = forms.CharField(label=_("Contact for its users (optional)"), max_length=254, required=False,
                              error_messages=TOO_LONG,
                              help_text=_("Shown to its users when sign-in is refused for the whole organisation."))
    admin_email = forms.EmailField(label=_("E-mail address of the first administrator (optional)"),
                                   max_length=254, required=False, error_messages=TOO_LONG,
                                   help_text=_("This person gets the welcome e-mail with an activation link."))
    admin_name = forms.CharField(label=_("Name of the first administrator (optional)"), max_length=200,
                                 required=False, error_messages=TOO_LONG)

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        validate_slug(slug)
        if Organisation.objects.filter(slug=slug).exists():
            raise ValidationError(_("An organisation with the short name “%(slug)s” already exists.") % {"slug": slug})
        return slug


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    trial_ends_on = forms.DateField(label=_("End of the trial (YYYY-MM-DD)"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    message = forms.CharField(
        label=_("Message for its users (optional)"), max_length=500, required=False, error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown instead of the standard text when sign-in is refused; empty: the standard text."))

    def clean(self):
        data = super().clean()
        if data.get("status") == Status.TRIAL and not data.get("trial_ends_on") and "trial_ends_on" not in self.errors:
            self.add_error("trial_ends_on", _("A trial needs an end date."))
        return data


class TermsForm(forms.Form):
    text = forms.CharField(label=_("Text of the new version"), max_length=terms.MAX_LENGTH, error_messages=TOO_LONG,
                           widget=forms.Textarea(attrs={"rows": 16}))


class RetryForm(forms.Form):
    message_id = forms.IntegerField(required=False, min_value=1)
