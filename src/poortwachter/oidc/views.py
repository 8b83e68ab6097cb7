"""The provider's endpoints under `/<slug>/`. Thin: the modules beside this one decide.

Machine endpoints (token, userinfo, revocation, introspection) answer JSON, are exempt from
CSRF (apps call them, not browsers with our cookies) and are never cached; browser apps may
read the answers of the first three from their registered origins (cors.py)."""

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from poortwachter.oidc import authorization, client_auth, cors, form, issuer, keys, rp_logout, tokens
from poortwachter.oidc.authorization import AppRedirect, PageError
from poortwachter.oidc.claims import user_claims
from poortwachter.oidc.models import App
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.signin import flow
from poortwachter.signin.decorators import login_url

GRANTS = {"authorization_code": tokens.exchange_code, "refresh_token": tokens.refresh,
          "client_credentials": tokens.client_credentials}


def _json(data: dict, status: int = 200, **headers) -> HttpResponse:
    # Plain json.dumps: these bodies hold only JSON's own types, so JsonResponse's encoder adds nothing.
    response = HttpResponse(json.dumps(data), content_type="application/json", status=status)
    response.headers["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response.headers[name.replace("_", "-")] = value
    return response


def _public_json(data: dict) -> JsonResponse:
    response = JsonResponse(data)
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"  # browser apps read discovery and keys
    return response


def _error(error: str, description: str = "", status: int = 400, **headers) -> JsonResponse:
    body = {"error": error, **({"error_description": description} if description else {})}
    return _json(body, status, **headers)


def _client_error(error: client_auth.ClientError) -> JsonResponse:
    headers = {"WWW_Authenticate": 'Basic realm="oidc"'} if error.basic else {}
    return _error(error.error, error.description, error.status, **headers)


def _calling_app(request) -> tuple[dict, App] | HttpResponse:
    """The parameters of an app's POST (token, revocation, introspection) and the app that
    proved itself, or the error to answer."""
    try:
        post = form.read(request)
        return post, client_auth.authenticate(request, request.organisation, post)
    except form.FormError as error:
        return _error("invalid_request", str(error))
    except client_auth.ClientError as error:
        return _client_error(error)


@require_GET
def discovery(request):
    return _public_json(issuer.discovery(request.organisation))


@require_GET
def jwks(request):
    return _public_json({"keys": keys.public_jwks(request.organisation)})


def _page_error(request, message: str):
    return render(request, "oidc/error.html", {"message": message}, status=400)


@csrf_exempt  # OpenID Connect lets apps POST the request; it changes nothing by itself
@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request):
    organisation = request.organisation
    params = request.GET if request.method == "GET" else request.POST
    areq, problem = authorization.parse(organisation, params)
    if isinstance(problem, PageError):
        return _page_error(request, str(problem))
    if problem is not None:
        return AppRedirect(authorization.error_redirect(areq, organisation, problem))
    needed = authorization.must_sign_in(areq, request)
    if needed and "none" in areq.prompt:
        error = authorization.RedirectError("login_required", "the person must sign in")
        return AppRedirect(authorization.error_redirect(areq, organisation, error))
    if needed:
        if needed == "again":
            flow.sign_out(request)  # prompt=login or max_age: a fresh sign-in, not the old session
        come_back = authorization.without_forcing(request.path, params)
        return redirect(login_url(organisation, come_back, login_hint=areq.login_hint))
    url = authorization.issue_code(areq, request)
    audit.record(Event.OIDC_AUTHORIZED, request=request, actor=request.user, subject=request.user,
                 reason=areq.app.client_id[:60])
    return AppRedirect(url)


@csrf_exempt
@cors.endpoint("POST")
@require_POST
def token(request):
    called = _calling_app(request)
    if isinstance(called, HttpResponse):
        return called
    organisation, (post, app) = request.organisation, called
    grant = GRANTS.get(post.get("grant_type", ""))
    if grant is None:
        return _error("unsupported_grant_type")
    try:
        return _json(grant(organisation, app, post), Pragma="no-cache")
    except tokens.TokenError as error:
        return _error(error.error, error.description)


def _bearer(request) -> str:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.POST.get("access_token", "") if request.method == "POST" else ""


@csrf_exempt
@cors.endpoint("GET", "POST")
@require_http_methods(["GET", "POST"])
def userinfo(request):
    found = tokens.userinfo(request.organisation, _bearer(request))
    if found is None:
        return _error("invalid_token", "", 401, WWW_Authenticate='Bearer error="invalid_token"')
    return _json(found)


@csrf_exempt
@cors.endpoint("POST")
@require_POST
def revoke(request):
    called = _calling_app(request)
    if isinstance(called, HttpResponse):
        return called
    post, app = called
    tokens.revoke(request.organisation, app, post.get("token", ""))
    return _json({})  # RFC 7009: 200 whether or not there was such a token


@csrf_exempt
@require_POST
def introspect(request):
    called = _calling_app(request)
    if isinstance(called, HttpResponse):
        return called
    organisation, (post, app) = request.organisation, called
    if app.is_public:
        return _error("invalid_client", "introspection needs an authenticated app", 401)
    value, hint = post.get("token", ""), post.get("token_type_hint", "")
    row, kind = None, ""
    for kind in (("refresh_token", "access_token") if hint == "refresh_token" else ("access_token", "refresh_token")):
        row = (tokens.access_token if kind == "access_token" else tokens.refresh_token)(organisation, value)
        if row is not None:
            break
    if row is None:
        return _json({"active": False})
    return _json(_introspection(organisation, row, kind))


def _introspection(organisation, row, kind: str) -> dict:
    grant, user = row.grant, row.grant.user
    expires = row.access_expires_at if kind == "access_token" else row.refresh_expires_at
    body = {"active": True, "scope": row.scope, "client_id": grant.app.client_id, "token_type":
            "Bearer" if kind == "access_token" else "refresh_token", "exp": int(expires.timestamp()),
            "iat": int(row.issued_at.timestamp()), "iss": issuer.issuer(organisation), "aud": grant.app.client_id}
    if user is not None:
        body.update(sub=user_claims(user, set())["sub"], username=user.username)
    return body


@csrf_exempt  # apps send people here with GET or a cross-site POST; signing out needs a confirmation
@never_cache
@require_http_methods(["GET", "POST"])
def logout(request):
    organisation = request.organisation
    try:
        lreq = rp_logout.parse(organisation, request.GET if request.method == "GET" else request.POST)
    except PageError as problem:
        return _page_error(request, str(problem))
    if not request.user.is_authenticated:
        return AppRedirect(lreq.destination(organisation))
    if lreq.matches_session(request):
        flow.sign_out(request)
        return AppRedirect(lreq.destination(organisation))
    return render(request, "oidc/logout_confirm.html", {
        "app": lreq.app, "post_logout_redirect_uri": lreq.post_logout_redirect_uri, "state": lreq.state,
        "action": reverse("oidc:logout_confirm", kwargs={"organisation_slug": organisation.slug})})


@never_cache
@require_POST
def logout_confirm(request):
    """The confirmation form of `logout` (CSRF-protected)."""
    organisation = request.organisation
    try:
        lreq = rp_logout.parse(organisation, request.POST)
    except PageError as problem:
        return _page_error(request, str(problem))
    flow.sign_out(request)
    return AppRedirect(lreq.destination(organisation))
