"""The demo app (`/_demo-app/`, demo mode only): a tiny OpenID Connect client of the demo
organisation, so a newcomer sees the whole round trip: sign in through the provider, the
ID token's claims, and signing out from the app (RP-initiated logout).

It behaves as any outside app would: a public client with PKCE that talks to the
provider over HTTP at the public URL, checks the ID token with the published keys, and
keeps its own state in a signed cookie of its own, not in Poortwachter's session."""

import json
import secrets
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from poortwachter.oidc.pkce import challenge_of

CLIENT_ID = "demo-app"
NAME = "Demo-app"
COOKIE = "demo-app"
SALT = "poortwachter.oidc.demo_app"


def home_url() -> str:
    return f"{settings.PUBLIC_URL}/_demo-app/"


def callback_url() -> str:
    return f"{settings.PUBLIC_URL}/_demo-app/callback"


def register(organisation):
    """Register (or bring up to date with the public URL) the demo app of `organisation`."""
    from poortwachter.oidc.models import App
    from poortwachter.oidc.registration import create_app, update_app

    app = App.objects.filter(organisation=organisation, client_id=CLIENT_ID).first()
    if app is None:
        return create_app(organisation, NAME, kind="public", client_id=CLIENT_ID, redirect_uris=[callback_url()],
                          post_logout_redirect_uris=[home_url()])[0]
    if app.redirect_uris != [callback_url()] or app.post_logout_redirect_uris != [home_url()]:
        update_app(app, redirect_uris=[callback_url()], post_logout_redirect_uris=[home_url()])
    return app


def _issuer() -> str:
    from poortwachter.tenants.demo import SLUG

    return f"{settings.PUBLIC_URL}/{SLUG}"


def _http_json(url: str, data: dict | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        return json.loads(error.read() or b"{}")


def _state(request) -> dict:
    try:
        return signing.loads(request.COOKIES.get(COOKIE, ""), salt=SALT, max_age=3600)
    except signing.BadSignature:
        return {}


def _with_state(response, state: dict):
    response.set_cookie(COOKIE, signing.dumps(state, salt=SALT), path="/_demo-app/", httponly=True,
                        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


def _demo_only():
    if not settings.DEMO_MODE:
        raise Http404("the demo app exists in demo mode only")


@never_cache
def home(request):
    _demo_only()
    state = _state(request)
    return render(request, "oidc/demo_app/home.html", {
        "claims": state.get("claims"), "claims_json": json.dumps(state.get("claims"), indent=2, ensure_ascii=False),
        "error": request.GET.get("error", "")[:200], "issuer": _issuer()})


@never_cache
def start(request):
    """Send the browser to the provider, as any app would."""
    _demo_only()
    verifier, nonce, state = secrets.token_urlsafe(48), secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": callback_url(),
        "scope": "openid profile email roles", "state": state, "nonce": nonce,
        "code_challenge": challenge_of(verifier), "code_challenge_method": "S256"})
    response = HttpResponseRedirect(f"{_issuer()}/oidc/authorize?{query}")
    return _with_state(response, {"verifier": verifier, "nonce": nonce, "state": state})


@never_cache
def callback(request):
    _demo_only()
    kept = _state(request)
    if request.GET.get("error") or not kept.get("state") or request.GET.get("state") != kept["state"]:
        return HttpResponseRedirect(f"{home_url()}?error={urllib.parse.quote(request.GET.get('error', 'state'))}")
    discovery = _http_json(f"{_issuer()}/.well-known/openid-configuration")
    tokens = _http_json(discovery["token_endpoint"], {
        "grant_type": "authorization_code", "code": request.GET.get("code", ""), "redirect_uri": callback_url(),
        "client_id": CLIENT_ID, "code_verifier": kept["verifier"]})
    claims = _verified(tokens.get("id_token", ""), discovery, kept["nonce"])
    if claims is None:
        return HttpResponseRedirect(f"{home_url()}?error=id_token")
    return _with_state(HttpResponseRedirect(home_url()), {"claims": claims, "id_token": tokens["id_token"]})


def _verified(id_token: str, discovery: dict, nonce: str) -> dict | None:
    keys = KeySet.import_key_set(_http_json(discovery["jwks_uri"]))
    try:
        claims = jwt.decode(id_token, keys, algorithms=["ES256", "RS256"]).claims
    except (JoseError, ValueError):
        return None
    if claims.get("iss") != discovery["issuer"] or claims.get("aud") != CLIENT_ID or claims.get("nonce") != nonce:
        return None
    return claims


@never_cache
@require_POST
def logout(request):
    """Forget the app's own sign-in and ask the provider to end the session too."""
    _demo_only()
    id_token = _state(request).get("id_token", "")
    query = urllib.parse.urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": home_url(),
                                    "client_id": CLIENT_ID})
    response = HttpResponseRedirect(f"{_issuer()}/oidc/logout?{query}")
    response.delete_cookie(COOKIE, path="/_demo-app/")
    return response
