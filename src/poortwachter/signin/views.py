"""Sign-in pages. Thin: they read forms and render; the flow decides."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poortwachter.accounts import services
from poortwachter.accounts.roles import landing_url
from poortwachter.security import attempts, audit
from poortwachter.security.source import source_address
from poortwachter.security.audit import Event
from poortwachter.methods import second_step
from poortwachter.methods.models import Kind
from poortwachter.signin import flow, reauth as reauth_flow
from poortwachter.signin.forms import LoginForm, NewPasswordForm
from poortwachter.signin.next_url import safe_next
from poortwachter.signin.pending import at_step
from poortwachter.system.browser import is_outdated

ENDED_MESSAGES = {
    "idle": lambda: _("You were signed out because you were inactive for a long time. Sign in again."),
    "absolute": lambda: _("Your session reached its maximum length. Sign in again."),
}


def _busy(request):
    response = render(request, "errors/503.html", status=503)
    response["Retry-After"] = "5"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    organisation = request.organisation
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(safe_next(next_url, organisation) or landing_url(request.user))
    # login_hint: an app (OIDC authorize) names whom it expects; the person may change it.
    hint = request.GET.get("login_hint", "")[:254]
    form = LoginForm(request.POST if request.method == "POST" else None, initial={"next": next_url, "identifier": hint})
    status, notice, captcha_required = 200, None, False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = flow.sign_in_with_password(request, organisation, data["identifier"],
                                             data["password"], data["next"],
                                             captcha_solution=request.POST.get("altcha", "")[:20000])
        if outcome.busy:
            return _busy(request)
        if outcome.go_to:
            return redirect(outcome.go_to)
        form.add_error(None, outcome.error)
        status = 403 if outcome.refused else 200
        captcha_required = outcome.captcha
    if request.method == "GET":
        captcha_required = attempts.source_needs_captcha(organisation, source_address(request))
        notice = ENDED_MESSAGES.get(request.GET.get("ended", ""), lambda: None)()
        if request.GET.get("signed_out"):
            notice = _("You have been signed out.")
        elif request.GET.get("password_changed"):
            notice = _("Your password has been changed. Sign in with your new password.")
    context = {"form": form, "notice": notice, "outdated_browser": is_outdated(request),
               "captcha_required": captcha_required}
    return render(request, "signin/login.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def password_expired(request):
    """Step: the organisation's maximum password age has passed; choose a new one."""
    organisation = request.organisation
    pending, user, elsewhere = at_step(request, "password_expired")
    if elsewhere:
        return elsewhere
    form = NewPasswordForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        services.set_password(user, form.cleaned_data["new_password"])
        audit.record(Event.PASSWORD_CHANGED, request=request, actor=user, subject=user, reason="expired")
        return redirect(flow.continue_pending(request, pending, user).go_to)
    days = organisation.policy.password_max_age_days
    return render(request, "signin/password_expired.html", {"form": form, "days": days})


@never_cache
@require_http_methods(["GET", "POST"])
def logout(request):
    """GET asks for confirmation (a link must not sign anyone out); POST signs out."""
    organisation = request.organisation
    if request.method == "POST":
        flow.sign_out(request)
        url = reverse("signin:login", kwargs={"organisation_slug": organisation.slug})
        return redirect(f"{url}?signed_out=1")
    if not request.user.is_authenticated:
        return redirect(reverse("signin:login", kwargs={"organisation_slug": organisation.slug}))
    return render(request, "signin/logout.html")


@never_cache
@require_http_methods(["GET", "POST"])
def reauth(request):
    """Prove again who you are before a sensitive change (signin.reauth)."""
    organisation = request.organisation
    if not request.user.is_authenticated:
        return redirect(reverse("signin:login", kwargs={"organisation_slug": organisation.slug}))
    next_url = safe_next(request.POST.get("next") or request.GET.get("next", ""), organisation) or \
        reverse("personal:overview", kwargs={"organisation_slug": organisation.slug})
    error, status = "", 200
    if request.method == "POST":
        result = reauth_flow.prove(request, password=request.POST.get("password", "")[:1024],
                                   code=request.POST.get("code", "")[:200])
        if result.busy:
            return _busy(request)
        if result.ok:
            return redirect(next_url)
        if result.signed_out:
            return render(request, "second_step/ended.html", {"error": result.error, "login_url": reverse(
                "signin:login", kwargs={"organisation_slug": organisation.slug})}, status=403)
        error, status = result.error, 400
    kinds = second_step.kinds_set_up(request.user)
    context = {"error": error, "next": next_url, "has_app": Kind.TOTP in kinds, "has_passkey": Kind.PASSKEY in kinds}
    return render(request, "signin/reauth.html", context, status=status)
