"""The authorization endpoint's decisions: is this a request of a known app with one of its
registered redirect URIs (else an error page, never a redirect), is it a well-formed code
flow request (else an error sent back to the app), must the person (re-)authenticate, and
the single-use code that sends them back.

Only `response_type=code`, PKCE only with S256 (required for public apps), redirect URIs
compared as exact strings."""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from poortwachter import clock
from poortwachter.oidc import app_lookup, claims, handles
from poortwachter.oidc.issuer import issuer
from poortwachter.oidc.models import App, AppKind, Grant

CODE_LIFETIME = timedelta(minutes=10)
CHALLENGE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
PROMPTS = {"none", "login", "consent", "select_account"}
SINGLE = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge",
          "code_challenge_method", "prompt", "max_age", "login_hint", "response_mode")


class PageError(Exception):
    """Shown to the person; the app is unknown or the redirect URI is not registered, so
    there is nowhere safe to send them."""


class RedirectError(Exception):
    def __init__(self, error: str, description: str = ""):
        super().__init__(error)
        self.error, self.description = error, description


@dataclass
class AuthorizationRequest:
    app: App
    redirect_uri: str
    state: str = ""
    scope: list[str] = field(default_factory=list)
    nonce: str = ""
    code_challenge: str = ""
    prompt: set[str] = field(default_factory=set)
    max_age: int | None = None
    login_hint: str = ""


def parse(organisation, params) -> tuple[AuthorizationRequest | None, Exception | None]:
    """The request, and the error to answer with (PageError or RedirectError) if any.
    A RedirectError always comes with a request whose redirect URI is safe to use."""
    if any(len(params.getlist(name)) > 1 for name in ("client_id", "redirect_uri")):
        return None, PageError(_("The app sent an invalid sign-in request."))
    client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
    app = app_lookup.by_client_id(organisation, client_id)
    if app is None or app.kind == AppKind.MACHINE:
        return None, PageError(_("The app that sent you here is not known to %(org)s.") % {"org": organisation.name})
    if not redirect_uri or redirect_uri not in app.redirect_uris:  # exact string comparison, nothing else
        return None, PageError(_("The app %(app)s asked to send you to an address it has not registered. "
                                 "For your safety you are not sent there.") % {"app": app.name})
    areq = AuthorizationRequest(app=app, redirect_uri=redirect_uri, state=params.get("state", "")[:2000])
    try:
        _fill(areq, params)
    except RedirectError as error:
        return areq, error
    return areq, None


def _fill(areq: AuthorizationRequest, params) -> None:
    if any(len(params.getlist(name)) > 1 for name in SINGLE):
        raise RedirectError("invalid_request", "a parameter was given more than once")
    if "request" in params:
        raise RedirectError("request_not_supported")
    if "request_uri" in params:
        raise RedirectError("request_uri_not_supported")
    if params.get("response_type") != "code":
        raise RedirectError("unsupported_response_type", "only response_type=code is supported")
    if params.get("response_mode", "query") != "query":
        raise RedirectError("invalid_request", "only response_mode=query is supported")
    scope = list(dict.fromkeys(params.get("scope", "").split()))
    if "openid" not in scope:
        raise RedirectError("invalid_scope", "the openid scope is required")
    if set(scope) - areq.app.scopes:
        raise RedirectError("invalid_scope", "scope not allowed for this app: " + " ".join(sorted(set(scope) - areq.app.scopes)))
    areq.scope = scope
    _pkce(areq, params)
    areq.nonce = params.get("nonce", "")
    if len(areq.nonce) > 500:
        raise RedirectError("invalid_request", "nonce too long")
    areq.prompt = set(params.get("prompt", "").split())
    if areq.prompt - PROMPTS or ("none" in areq.prompt and len(areq.prompt) > 1):
        raise RedirectError("invalid_request", "unsupported prompt value")
    if params.get("max_age", "") != "":
        try:
            areq.max_age = int(params["max_age"])
        except ValueError:
            areq.max_age = -1
        if areq.max_age < 0:
            raise RedirectError("invalid_request", "max_age must be a number of seconds")
    areq.login_hint = params.get("login_hint", "")[:254]


def _pkce(areq: AuthorizationRequest, params) -> None:
    challenge, method = params.get("code_challenge", ""), params.get("code_challenge_method", "")
    if not challenge:
        if method:
            raise RedirectError("invalid_request", "code_challenge_method without code_challenge")
        if areq.app.is_public:
            raise RedirectError("invalid_request", "PKCE (code_challenge with S256) is required for this app")
        return
    # No method means "plain" (RFC 7636 4.3), and plain is refused: it protects nothing.
    if method != "S256":
        raise RedirectError("invalid_request", "code_challenge_method must be S256")
    if not CHALLENGE.match(challenge):
        raise RedirectError("invalid_request", "malformed code_challenge")
    areq.code_challenge = challenge


def must_sign_in(areq: AuthorizationRequest, request) -> str | None:
    """None when the signed-in person may go back at once; "login" when nobody is signed
    in; "again" when the app demands a fresh sign-in (prompt=login or max_age)."""
    if not request.user.is_authenticated:
        return "login"
    if "login" in areq.prompt:
        return "again"
    if areq.max_age is not None:
        auth_time = claims.assurance(request.session)[2] or 0
        if clock.timestamp() - auth_time > areq.max_age:
            return "again"
    return None


def without_forcing(path: str, params) -> str:
    """The authorize URL to come back to after the sign-in: without the parameters that
    forced it (or the person would be asked again and again)."""
    kept = [(name, value) for name, values in params.lists() if name not in ("prompt", "max_age")
            for value in values]
    return f"{path}?{urlencode(kept)}"


def issue_code(areq: AuthorizationRequest, request) -> str:
    """Make the single-use code (the grant it will become, models.Grant) and return the URL
    that takes the person back to the app."""
    organisation, user = request.organisation, request.user
    amr, acr, auth_time = claims.assurance(request.session)
    secret = handles.new_secret()
    row = Grant.objects.create(
        organisation=organisation, app=areq.app, user=user, code_hash=handles.digest(secret),
        redirect_uri=areq.redirect_uri, scope=" ".join(areq.scope), nonce=areq.nonce,
        code_challenge=areq.code_challenge, sid=claims.session_id(request.session.session_key),
        auth_time=auth_time, amr=amr, acr=acr, code_expires_at=clock.now() + CODE_LIFETIME)
    return back_to_app(areq.redirect_uri, organisation, code=handles.make("code", row.pk, secret), state=areq.state)


def back_to_app(redirect_uri: str, organisation, **params) -> str:
    # RFC 9207: `iss` lets the app tell which provider answered (mix-up attacks).
    query = urlencode({k: v for k, v in {**params, "iss": issuer(organisation)}.items() if v})
    return f"{redirect_uri}{'&' if '?' in redirect_uri else '?'}{query}"


def error_redirect(areq: AuthorizationRequest, organisation, error: RedirectError) -> str:
    return back_to_app(areq.redirect_uri, organisation, error=error.error,
                       error_description=error.description, state=areq.state)


class AppRedirect(HttpResponseRedirect):
    """A redirect to a registered URI; native apps register private-use schemes, which
    Django's redirect refuses by default. Only registered URIs ever get here."""

    def __init__(self, url: str):
        self.allowed_schemes = ["http", "https", urlsplit(url).scheme]
        super().__init__(url)
