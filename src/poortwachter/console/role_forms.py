"""The form of a role: its name (unique in the organisation), landing URL, rights."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from poortwachter.accounts import identity
from poortwachter.accounts.models import Role


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ["name", "landing_url", "console_access", "requires_second_step", "position"]
        labels = {
            "name": _("Name"),
            "landing_url": _("Landing page after sign-in"),
            "console_access": _("Console rights (“Instellingen en onderhoud”)"),
            "requires_second_step": _("Two-step verification required for this role"),
            "position": _("Order"),
        }
        help_texts = {
            "landing_url": _("A page of the portal (e.g. “dashboard”) or the https:// address of one of "
                             "your apps. Empty: the start page."),
            "requires_second_step": _("Applies when the policy requires two-step verification for "
                                      "chosen roles."),
            "position": _("A user with several roles lands on the page of the role with the lowest number."),
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_name(self):
        name = identity.clean(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("Give the role a name."))
        taken = Role.objects.filter(organisation=self.organisation, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("This organisation already has a role with that name."))
        return name

    def clean_landing_url(self):
        target = self.cleaned_data["landing_url"].strip()
        wrong = ValidationError(_("Use a page of the portal or an https:// address."))
        if any(c.isspace() for c in target) or "\\" in target or target.startswith("//"):
            raise wrong
        scheme, has_scheme, _rest = target.partition("://")
        if ":" in (scheme if has_scheme else target):
            raise wrong  # javascript:, mailto: and the like
        # http:// only for an app on this machine (development).
        if has_scheme and not target.startswith(("https://", "http://localhost", "http://127.0.0.1")):
            raise wrong
        return target
