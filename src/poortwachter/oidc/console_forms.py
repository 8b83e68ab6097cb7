"""The console's form for an app (name, type, addresses, scopes, back-channel URI)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from poortwachter.oidc.models import AppKind


class AppForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=AppKind.choices)
    redirect_uris = forms.CharField(
        label=_("Redirect addresses (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Compared exactly, character for character. https:// (http:// only for localhost)."))
    post_logout_redirect_uris = forms.CharField(
        label=_("Addresses after signing out (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    allowed_scopes = forms.CharField(label=_("Allowed scopes"), max_length=500, required=False,
                                     initial="openid profile email roles offline_access")
    backchannel_logout_uri = forms.CharField(label=_("Back-channel logout address"), max_length=500, required=False)
    id_token_alg = forms.ChoiceField(label=_("ID token signature"), choices=[("ES256", "ES256"), ("RS256", "RS256")])

    @classmethod
    def of(cls, app, data=None):
        initial = None
        if app is not None:
            initial = {"name": app.name, "kind": app.kind, "redirect_uris": "\n".join(app.redirect_uris),
                       "post_logout_redirect_uris": "\n".join(app.post_logout_redirect_uris),
                       "allowed_scopes": app.allowed_scopes, "backchannel_logout_uri": app.backchannel_logout_uri,
                       "id_token_alg": app.id_token_signed_response_alg}
        return cls(data, initial=initial)

    def values(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"].strip(), "kind": d["kind"], "redirect_uris": d["redirect_uris"].split(),
                "post_logout_redirect_uris": d["post_logout_redirect_uris"].split(),
                "allowed_scopes": d["allowed_scopes"], "backchannel_logout_uri": d["backchannel_logout_uri"].strip()}
