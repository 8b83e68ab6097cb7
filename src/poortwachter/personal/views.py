"""Personal settings pages ("Persoonlijke instellingen"). Thin: they read forms and render;
personal.password_change and personal.email_change decide."""

from dataclasses import dataclass

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poortwachter.personal import email_change, password_change
from poortwachter.personal.forms import EmailChangeForm, PasswordChangeForm
from poortwachter.signin.decorators import signed_in_required


@dataclass(frozen=True)
class Section:
    url_name: str
    title: Promise
    text: Promise


# The overview lists these in order; later sections (second factor, linked accounts,
# active sessions) are one more entry each.
SECTIONS = (
    Section("personal:password", gettext_lazy("Change password"),
            gettext_lazy("Choose a new password. You will be signed out everywhere else.")),
    Section("personal:email", gettext_lazy("Change e-mail address"),
            gettext_lazy("Use another e-mail address; it takes effect once you confirm it by e-mail.")),
    Section("personal:second_step", gettext_lazy("Two-step verification"),
            gettext_lazy("An authenticator app, a passkey or a code by e-mail after your password; recovery codes.")),
)

NOTICES = {
    "password": lambda: _("Your password has been changed. You are still signed in here; "
                          "on other devices and browsers you have been signed out."),
    "email": lambda: _("We sent a link to your new e-mail address. Your address changes once you "
                       "open that link and confirm. Your old address was told about the request."),
}


def _overview_url(organisation, done: str = "") -> str:
    url = reverse("personal:overview", kwargs={"organisation_slug": organisation.slug})
    return f"{url}?done={done}" if done else url


def _busy(request):
    response = render(request, "errors/503.html", status=503)
    response["Retry-After"] = "5"
    return response


@never_cache
@require_http_methods(["GET"])
@signed_in_required
def overview(request):
    context = {
        "sections": SECTIONS,
        "notice": NOTICES.get(request.GET.get("done", ""), lambda: None)(),
        "pending_email": email_change.pending_address(request.user),
    }
    return render(request, "personal/overview.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@signed_in_required
def password(request):
    user = request.user
    form = PasswordChangeForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = password_change.change(request, user, data["current_password"], data["new_password"])
        if outcome.busy:
            return _busy(request)
        if outcome.done:
            return redirect(_overview_url(request.organisation, "password"))
        form.add_error(outcome.field, outcome.error)
    minimum = request.organisation.policy.min_password_length(user)
    return render(request, "personal/password.html", {"form": form, "minimum": minimum})


@never_cache
@require_http_methods(["GET", "POST"])
@signed_in_required
def email(request):
    form = EmailChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = email_change.request_change(request, request.user, data["email"], data["current_password"])
        if outcome.busy:
            return _busy(request)
        if outcome.done:
            return redirect(_overview_url(request.organisation, "email"))
        form.add_error(outcome.field, outcome.error)
    return render(request, "personal/email.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def email_confirm(request, token):
    """No sign-in needed: the link proves the new mailbox (see personal.email_change).
    GET only shows a button, because mail scanners open links; POST does the change."""
    organisation = request.organisation
    if request.method == "POST":
        found = email_change.confirm(request, token, organisation)
    else:
        found = email_change.look(token, organisation)
    own = request.user.is_authenticated and found.user is not None and request.user.pk == found.user.pk
    return render(request, "personal/email_confirm.html",
                  {"found": found, "result": found.result.value, "signed_in_as_owner": own,
                   "lifetime_hours": int(email_change.LINK_LIFETIME.total_seconds() // 3600)})
