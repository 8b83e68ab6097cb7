"""The organisation's policy as a form: every field of tenants.Policy with its own bounds
(the validators on the model), labels a person understands, the product default beside
each, and the checks that span fields. Changes are audited one row per field."""

from django import forms
from django.db import models
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.tenants.policy import Policy

LABELS = {
    "activation_link_days": _("Activation link valid (days)"),
    "reset_link_minutes": _("Password-reset link valid (minutes)"),
    "magic_link_minutes": _("Sign-in link by e-mail valid (minutes)"),
    "email_code_minutes": _("E-mail code valid (minutes)"),
    "email_code_tries": _("Tries per e-mail code"),
    "two_factor": _("Two-step verification"),
    "allow_email_code": _("Allow codes by e-mail as second step"),
    "allow_totp": _("Allow an authenticator app as second step"),
    "allow_passkey": _("Allow passkeys as second step"),
    "allow_passkey_signin": _("Allow signing in with a passkey alone"),
    "captcha_after_failures": _("CAPTCHA after this many failed sign-ins of an account"),
    "captcha_after_source_failures": _("CAPTCHA after this many failed sign-ins from one address in an hour"),
    "lockout_after_failures": _("Temporary lock-out after this many failed sign-ins"),
    "lockout_first_seconds": _("First lock-out (seconds)"),
    "lockout_max_seconds": _("Longest lock-out (seconds)"),
    "lockout_permanent_after": _("Locked until a reset or an administrator after this many failures"),
    "password_max_age_days": _("Maximum password age (days)"),
    "password_min_length": _("Minimum password length"),
    "password_min_length_with_2fa": _("Minimum password length when two-step verification is required"),
    "idle_minutes": _("Sign out after inactivity (minutes)"),
    "absolute_days": _("Longest session (days)"),
    "console_idle_minutes": _("Sign out of the console after inactivity (minutes)"),
    "allow_password": _("Allow signing in with a password"),
    "allow_magic_link": _("Allow signing in with a link by e-mail"),
}
HELP = {
    "password_max_age_days": _("Empty: passwords do not expire (recommended by NIST)."),
    "two_factor": _("Optional, required for everyone, or required for the roles marked for it."),
    "captcha_after_failures": _("0: always ask for the CAPTCHA."),
}
SECTIONS = [
    (_("Links sent by e-mail"), ["activation_link_days", "reset_link_minutes", "magic_link_minutes"]),
    (_("Two-step verification"), ["two_factor", "email_code_minutes", "email_code_tries", "allow_email_code",
                                  "allow_totp", "allow_passkey", "allow_passkey_signin"]),
    (_("Failed sign-ins"), ["captcha_after_failures", "captcha_after_source_failures", "lockout_after_failures",
                           "lockout_first_seconds", "lockout_max_seconds", "lockout_permanent_after"]),
    (_("Passwords"), ["password_min_length", "password_min_length_with_2fa", "password_max_age_days"]),
    (_("Sessions"), ["idle_minutes", "absolute_days", "console_idle_minutes"]),
    (_("Sign-in methods"), ["allow_password", "allow_magic_link"]),
]
FIELDS = [name for _section, names in SECTIONS for name in names]


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = FIELDS
        labels = LABELS
        help_texts = HELP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            default = Policy._meta.get_field(name).default
            field.product_default = None if default is models.NOT_PROVIDED else default
            if isinstance(field, forms.IntegerField):
                field.widget.attrs.setdefault("inputmode", "numeric")

    def clean(self):
        data = super().clean()
        first, longest = data.get("lockout_first_seconds"), data.get("lockout_max_seconds")
        if first is not None and longest is not None and longest < first:
            self.add_error("lockout_max_seconds", _("The longest lock-out cannot be shorter than the first."))
        temporary, permanent = data.get("lockout_after_failures"), data.get("lockout_permanent_after")
        if temporary is not None and permanent is not None and permanent <= temporary:
            self.add_error("lockout_permanent_after",
                           _("This must be more than the number of failures for a temporary lock-out."))
        if data.get("allow_password") is False and data.get("allow_magic_link") is False:
            raise ValidationError(_("Allow at least one way of signing in: a password or a link by e-mail."))
        return data

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]


@transaction.atomic
def save(request, form: PolicyForm) -> list[str]:
    """Store and audit each changed field as "name: old -> new"."""
    before = Policy.objects.get(pk=form.instance.pk)
    policy = form.save()
    changed = []
    for name in FIELDS:
        old, new = getattr(before, name), getattr(policy, name)
        if old != new:
            changed.append(name)
            audit.record(Event.POLICY_CHANGED, request=request, actor=request.user,
                         reason=f"{name}: {old} -> {new}"[:60])
    return changed
