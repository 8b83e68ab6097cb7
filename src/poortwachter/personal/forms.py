"""Forms of the personal settings pages. They check shape only (lengths, a valid address,
the confirmation, the password rules), so nothing is hashed for input that cannot be right;
checking the current password and looking up other accounts is the flows' work."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from poortwachter.accounts import identity, password_rules
from poortwachter.signin.forms import TOO_LONG, NewPasswordForm

EMAIL_MAX = 254  # RFC 5321's limit, and the length of User.email


def current_password_field():
    return forms.CharField(
        label=_("Current password"), strip=False, max_length=password_rules.MAX_LENGTH,
        error_messages=TOO_LONG, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(NewPasswordForm):
    """Current password, then the new one twice (SuperOffice: "Wachtwoord wijzigen")."""

    current_password = current_password_field()
    field_order = ["current_password", "new_password", "confirm_password"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The first field to type in is the current password, not the new one.
        self.fields["new_password"].widget.attrs.pop("autofocus", None)
        self.fields["current_password"].widget.attrs["autofocus"] = True


class EmailChangeForm(forms.Form):
    """The new address and, because whoever holds a session must not take over the
    account's mailbox, the current password."""

    email = forms.CharField(
        label=_("New e-mail address"), max_length=EMAIL_MAX, error_messages=TOO_LONG,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True,
                                       "autocapitalize": "none", "spellcheck": "false"}),
    )
    current_password = current_password_field()

    def clean_email(self):
        # Pasted addresses bring invisible spaces along (the seeds' "hidden space").
        email = identity.clean(self.cleaned_data["email"])
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(_("This is not a valid e-mail address. Check it and try again."))
        return email
