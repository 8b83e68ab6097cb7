"""The organisation's policies and branding."""

from django.core.exceptions import ValidationError
from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _, gettext_lazy

from poortwachter.console import branding, policy_form
from poortwachter.console.models import Branding
from poortwachter.console.views.common import back, console_page
from poortwachter.signin.forms import TOO_LONG


@console_page(["GET", "POST"], reauth=True)
def policies(request):
    form = policy_form.PolicyForm(request.POST or None, instance=request.organisation.policy)
    if request.method == "POST" and form.is_valid():
        policy_form.save(request, form)
        return back(request, "policies", "saved")
    notice = _("The policies have been saved.") if request.GET.get("done") == "saved" else None
    return render(request, "console/policies.html", {"form": form, "notice": notice},
                  status=400 if form.is_bound else 200)


class BrandingForm(forms.Form):
    display_name = forms.CharField(label=gettext_lazy("Display name"), required=False, max_length=200,
                                   error_messages=TOO_LONG,
                                   help_text=gettext_lazy("Shown on the login pages and in e-mails. Empty: the "
                                                          "organisation's name."))
    accent = forms.ChoiceField(label=gettext_lazy("Accent colour"), widget=forms.RadioSelect,
                               choices=[(key, label) for key, (_hex, label) in branding.ACCENTS.items()])
    logo = forms.FileField(label=gettext_lazy("Logo"), required=False,
                           help_text=gettext_lazy("PNG, JPEG, GIF or WebP, at most 64 KB."))
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        if upload.size > branding.LOGO_MAX_BYTES:
            raise ValidationError(_("The logo is too large: at most 64 KB."))
        data = upload.read()
        branding.logo_type(data)
        return data


@console_page(["GET", "POST"])
def branding_page(request):
    current = Branding.objects.filter(organisation=request.organisation).first()
    initial = {"display_name": current.display_name if current else "",
               "accent": (current.accent if current else "") or branding.DEFAULT_ACCENT}
    form = BrandingForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        branding.save(request, display_name=data["display_name"].strip(), accent=data["accent"],
                      logo=data["logo"], remove_logo=data["remove_logo"])
        return back(request, "branding", "saved")
    notice = _("The branding has been saved.") if request.GET.get("done") == "saved" else None
    look = branding.for_organisation(request.organisation)
    return render(request, "console/branding.html", {"form": form, "notice": notice, "look": look,
                                                     "accents": branding.ACCENTS},
                  status=400 if form.is_bound else 200)
