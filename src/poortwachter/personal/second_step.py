"""Personal settings: two-step verification. Looking needs a signed-in person; every change
(add, remove, new recovery codes) needs a recent re-authentication and is mailed to them."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poortwachter.methods import recovery_codes, second_step, setup
from poortwachter.methods.models import Authenticator, Kind
from poortwachter.signin.decorators import signed_in_required
from poortwachter.signin.reauth import reauth_required
from poortwachter.signin.second_step import setup_form

NOTICES = {
    "added": lambda: _("Two-step verification is switched on."),
    "removed": lambda: _("That way of signing in has been removed."),
}


def _page_url(request, done: str = "") -> str:
    url = reverse("personal:second_step", kwargs={"organisation_slug": request.organisation.slug})
    return f"{url}?done={done}" if done else url


@never_cache
@require_http_methods(["GET"])
@signed_in_required
def overview(request):
    user = request.user
    context = {
        "authenticators": Authenticator.objects.filter(user=user).order_by("created_at"),
        "recovery_left": recovery_codes.remaining(user),
        "allowed": second_step.allowed_kinds(user.organisation.policy),
        "required": second_step.is_required(user),
        "notice": NOTICES.get(request.GET.get("done", ""), lambda: None)(),
    }
    return render(request, "personal/second_step.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@reauth_required
def add(request):
    user = request.user
    handled = setup_form.handle(request, user, second_step.allowed_kinds(user.organisation.policy))
    if handled.added:
        return _added(request, handled.codes)
    return render(request, "second_step/setup.html", {**handled.context, "in_settings": True}, status=handled.status)


def _added(request, codes):
    if codes:
        return render(request, "second_step/recovery_codes.html", {"codes": codes, "during_signin": False})
    return redirect(_page_url(request, "added"))


@never_cache
@require_http_methods(["POST"])
@reauth_required
def remove(request):
    user = request.user
    try:
        authenticator_id = int(request.POST.get("authenticator", ""))
    except ValueError:
        return redirect(_page_url(request))
    kind = Authenticator.objects.filter(user=user, pk=authenticator_id).values_list("kind", flat=True).first()
    if kind and second_step.remove(user, authenticator_id, request=request):
        setup.tell(request, user, kind_removed=kind)
        return redirect(_page_url(request, "removed"))
    return redirect(_page_url(request))


@never_cache
@require_http_methods(["POST"])
@reauth_required
def renew_recovery_codes(request):
    user = request.user
    if not Authenticator.objects.filter(user=user).exclude(kind=Kind.EMAIL).exists():
        return redirect(_page_url(request))
    codes = setup.renew_recovery_codes(request, user)
    setup.tell(request, user, kind_added="recovery")
    return render(request, "second_step/recovery_codes.html", {"codes": codes, "during_signin": False})
