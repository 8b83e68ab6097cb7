"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): an app sends the person
here to sign out. A `post_logout_redirect_uri` is followed only when it is registered for
the app (exact string), and the app is named by `client_id` or the `id_token_hint`.
Without a hint that matches the current session the person confirms first, so a link on
another site cannot sign anyone out."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from poortwachter.oidc import claims
from poortwachter.oidc.authorization import PageError
from poortwachter.oidc.id_tokens import read_hint
from poortwachter.oidc.models import App


@dataclass
class LogoutRequest:
    app: App | None
    post_logout_redirect_uri: str
    state: str
    hint: dict | None

    def destination(self, organisation) -> str:
        if self.post_logout_redirect_uri:
            uri = self.post_logout_redirect_uri
            if not self.state:
                return uri
            return f"{uri}{'&' if '?' in uri else '?'}{urlencode({'state': self.state})}"
        url = reverse("signin:login", kwargs={"organisation_slug": organisation.slug})
        return f"{url}?signed_out=1"

    def matches_session(self, request) -> bool:
        """The hint names the person and the session signed in here now."""
        if not self.hint or not request.user.is_authenticated:
            return False
        return (self.hint.get("sub") == claims.subject(request.user)
                and self.hint.get("sid") == claims.session_id(request.session.session_key))


def parse(organisation, params) -> LogoutRequest:
    """The logout request, or PageError (shown, never redirected)."""
    hint = None
    if params.get("id_token_hint"):
        hint = read_hint(organisation, params["id_token_hint"])
        if hint is None:
            raise PageError(_("The app sent a sign-out request we cannot verify."))
    client_id = params.get("client_id", "")
    hinted = hint.get("aud") if hint else None
    hinted = hinted[0] if isinstance(hinted, list) and len(hinted) == 1 else hinted
    if client_id and hinted and client_id != hinted:
        raise PageError(_("The app sent a sign-out request we cannot verify."))
    client_id = client_id or (hinted if isinstance(hinted, str) else "")
    app = App.objects.filter(organisation=organisation, client_id=client_id).first() if client_id else None
    uri = params.get("post_logout_redirect_uri", "")
    if uri and (app is None or uri not in app.post_logout_redirect_uris):
        raise PageError(_("The app asked to send you to an address it has not registered. "
                          "For your safety you are not sent there."))
    return LogoutRequest(app=app, post_logout_redirect_uri=uri, state=params.get("state", "")[:2000], hint=hint)
