"""JSON endpoints for passkeys, called by static/passkey.js. Each is a POST with a JSON body
and the CSRF token in the X-CSRFToken header (Django's CSRF middleware checks it and the
Origin). Answers: {"publicKey": options} for the browser, {"go_to": url} when the person
goes on, {"error": text} (and sometimes "go_to") when not. Thin: passkey_flow decides.

Who may call what:
- login/passkey/*: anyone, when the organisation allows signing in with a passkey alone;
- login/second-step/passkey/*: a pending sign-in whose current step is the second step;
- login/second-step/set-up/passkey/*: a pending sign-in that must set up a second step;
- settings/passkey/*: a signed-in person with a recent proof (as reauth_required);
- reauth/passkey/*: a signed-in person with a passkey."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_GET

from poortwachter.methods import passkey, second_step, setup
from poortwachter.methods.models import Kind
from poortwachter.methods.passkey import Purpose
from poortwachter.signin import assurance, flow, reauth
from poortwachter.signin.next_url import safe_next
from poortwachter.signin.pending import at_step
from poortwachter.signin.record import PendingSignin
from poortwachter.signin.second_step import passkey_flow

_MAX_BODY = 64 * 1024


def _body(request) -> dict | None:
    if request.content_type != "application/json" or len(request.body) > _MAX_BODY:
        return None
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _credential(data: dict) -> dict | None:
    credential = data.get("credential")
    return credential if isinstance(credential, dict) else None


def _error(message: str, status: int = 400, go_to: str = "") -> JsonResponse:
    return JsonResponse({"error": message, **({"go_to": go_to} if go_to else {})}, status=status)


def _bad_request() -> JsonResponse:
    return _error(_("Something went wrong while talking to your browser. Reload the page and try again."))


def _url(request, name: str) -> str:
    return reverse(name, kwargs={"organisation_slug": request.organisation.slug})


def _elsewhere(response) -> JsonResponse:
    """A pending sign-in that is not at this step: the browser goes where it belongs."""
    return _error(_("This page is no longer current."), status=403, go_to=response.url)


def passkey_endpoint(view):
    """POST, JSON, never cached."""
    return never_cache(require_POST(view))


# --- passwordless sign-in -------------------------------------------------------------------

# The passwordless challenge waits in a signed cookie of its own, not in the session: anyone
# may ask for one, and a session row per anonymous request would let a script fill the
# database. Signed per organisation, five minutes; single use is the shared cache's
# (methods.passkey._take_challenge), as for every other challenge.
CHALLENGE_COOKIE = ("__Host-" if settings.SESSION_COOKIE_SECURE else "") + "poortwachter-passkey"


def _challenge_salt(request) -> str:
    return f"poortwachter.passkey-signin.{request.organisation.id}"


def _held_challenge(request) -> dict:
    raw = request.get_signed_cookie(CHALLENGE_COOKIE, default=None, salt=_challenge_salt(request),
                                    max_age=passkey.CHALLENGE_SECONDS)
    try:
        held = json.loads(raw) if raw else {}
    except ValueError:
        held = {}
    return held if isinstance(held, dict) else {}


def _keep_challenge(request, response, held: dict):
    if held:
        response.set_signed_cookie(CHALLENGE_COOKIE, json.dumps(held), salt=_challenge_salt(request),
                                   max_age=passkey.CHALLENGE_SECONDS, secure=settings.SESSION_COOKIE_SECURE,
                                   httponly=True, samesite="Strict", path="/")
    else:
        response.delete_cookie(CHALLENGE_COOKIE, path="/", samesite="Strict")
    return response


@passkey_endpoint
def signin_options(request):
    if not passkey_flow.signin_allowed(request.organisation):
        return _error(_("Signing in with a passkey is not available here."), status=403)
    held: dict = {}
    options = passkey.authentication_options(held, Purpose.SIGNIN)
    return _keep_challenge(request, JsonResponse({"publicKey": options}), held)


@passkey_endpoint
def signin_verify(request):
    if not passkey_flow.signin_allowed(request.organisation):
        return _error(_("Signing in with a passkey is not available here."), status=403)
    data = _body(request)
    credential = _credential(data) if data is not None else None
    if credential is None:
        return _bad_request()
    held = _held_challenge(request)
    outcome = passkey_flow.sign_in(request, credential, str(data.get("next", ""))[:2000], held)
    if outcome.go_to:
        return _keep_challenge(request, JsonResponse({"go_to": outcome.go_to}), held)
    return _keep_challenge(request, _error(outcome.error, status=403 if outcome.refused else 400), held)


# --- the second step ------------------------------------------------------------------------

@passkey_endpoint
def second_step_options(request):
    pending, user, elsewhere = at_step(request, "second_step")
    if elsewhere:
        return _elsewhere(elsewhere)
    if not passkey_flow.usable(pending, user):
        return _error(_("Choose one of the ways offered on this page."), status=403)
    return JsonResponse({"publicKey": passkey.authentication_options(request.session, Purpose.SECOND_STEP, user)})


@passkey_endpoint
def second_step_verify(request):
    pending, user, elsewhere = at_step(request, "second_step")
    if elsewhere:
        return _elsewhere(elsewhere)
    data = _body(request)
    credential = _credential(data) if data is not None else None
    if credential is None:
        return _bad_request()
    result = passkey_flow.prove(request, pending, user, credential)
    if result.go_to:
        return JsonResponse({"go_to": result.go_to})
    if result.ended:
        return _error(result.error, status=403, go_to=_url(request, "signin:login"))
    return _error(result.error)


# --- adding a passkey during the sign-in (required set-up) ------------------------------------

@passkey_endpoint
def setup_options(request):
    pending, user, elsewhere = at_step(request, "second_step_setup")
    if elsewhere:
        return _elsewhere(elsewhere)
    if Kind.PASSKEY not in second_step.allowed_kinds(user.organisation.policy):
        return _error(_("Your organisation does not allow passkeys."), status=403)
    return JsonResponse({"publicKey": passkey.registration_options(request.session, user)})


@passkey_endpoint
def setup_verify(request):
    pending, user, elsewhere = at_step(request, "second_step_setup")
    if elsewhere:
        return _elsewhere(elsewhere)
    if Kind.PASSKEY not in second_step.allowed_kinds(user.organisation.policy):
        return _error(_("Your organisation does not allow passkeys."), status=403)
    data = _body(request)
    credential = _credential(data) if data is not None else None
    if credential is None:
        return _bad_request()
    added = passkey_flow.register(request, user, credential, str(data.get("name", "")))
    if not added.ok:
        return _error(added.error)
    pending.amr = assurance.amr_for(pending.amr + [passkey.AMR])
    pending.save(request.session)
    if added.codes:
        return JsonResponse({"go_to": _url(request, "second_step:passkey_recovery_codes")})
    return JsonResponse({"go_to": flow.continue_pending(request, pending, user).go_to})


# --- adding a passkey in personal settings --------------------------------------------------

def _settings_guard(request, data: dict | None):
    """None when a signed-in person with a recent proof may add a passkey; else the answer."""
    if not request.user.is_authenticated:
        return _error(_("Sign in first."), status=403, go_to=_url(request, "signin:login"))
    if Kind.PASSKEY not in second_step.allowed_kinds(request.organisation.policy):
        return _error(_("Your organisation does not allow passkeys."), status=403)
    if not reauth.is_recent(request):
        back = safe_next(str((data or {}).get("next", "")), request.organisation) or \
            _url(request, "personal:second_step")
        url = f"{_url(request, 'signin:reauth')}?{urlencode({'next': back})}"
        return _error(_("Confirm it is you first."), status=403, go_to=url)
    return None


@passkey_endpoint
def settings_options(request):
    refused = _settings_guard(request, _body(request))
    if refused:
        return refused
    return JsonResponse({"publicKey": passkey.registration_options(request.session, request.user)})


@passkey_endpoint
def settings_verify(request):
    data = _body(request)
    refused = _settings_guard(request, data)
    if refused:
        return refused
    credential = _credential(data) if data is not None else None
    if credential is None:
        return _bad_request()
    added = passkey_flow.register(request, request.user, credential, str(data.get("name", "")))
    if not added.ok:
        return _error(added.error)
    if added.codes:
        return JsonResponse({"go_to": _url(request, "second_step:passkey_recovery_codes")})
    return JsonResponse({"go_to": _url(request, "personal:second_step") + "?done=added"})


# --- re-authentication ----------------------------------------------------------------------

def _reauth_guard(request):
    if not request.user.is_authenticated:
        return _error(_("Sign in first."), status=403, go_to=_url(request, "signin:login"))
    if not request.organisation.policy.allow_passkey or not passkey.passkeys_of(request.user).exists():
        return _error(_("You have no passkey to confirm it is you."), status=403)
    return None


@passkey_endpoint
def reauth_options(request):
    refused = _reauth_guard(request)
    if refused:
        return refused
    return JsonResponse({"publicKey": passkey.authentication_options(request.session, Purpose.REAUTH, request.user)})


@passkey_endpoint
def reauth_verify(request):
    refused = _reauth_guard(request)
    if refused:
        return refused
    data = _body(request)
    credential = _credential(data) if data is not None else None
    if credential is None:
        return _bad_request()
    result = passkey_flow.reauthenticate(request, credential)
    if result.signed_out:
        return _error(result.error, status=403, go_to=_url(request, "signin:login"))
    if not result.ok:
        return _error(result.error)
    return JsonResponse({"go_to": safe_next(str(data.get("next", "")), request.organisation)
                         or _url(request, "personal:overview")})


# --- the recovery codes made with a first passkey -------------------------------------------

@never_cache
@require_GET
def recovery_codes(request):
    """Shows the codes this session just made (setup.shown_codes), once a passkey was added
    by script; during a sign-in its button goes on with the pending sign-in."""
    codes = setup.shown_codes(request.session)
    if not codes:
        return redirect(_url(request, "signin:login"))
    during_signin = not request.user.is_authenticated and \
        PendingSignin.load(request.session, request.organisation) is not None
    return render(request, "second_step/recovery_codes.html", {"codes": codes, "during_signin": during_signin})
