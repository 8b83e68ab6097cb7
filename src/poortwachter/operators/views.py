"""Pages of the operator console (/_operator/). Thin: forms in, services do the work."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from poortwachter.operators import failed_mail, organisations, signin, terms
from poortwachter.operators.models import TermsVersion
from poortwachter.operators.forms import LoginForm, OrganisationForm, RetryForm, StatusForm, TermsForm
from poortwachter.operators.session import current, operator_required, safe_next
from poortwachter.tenants.models import Organisation

ENDED = {
    "idle": lambda: _("You were signed out because you were inactive for an hour. Sign in again."),
    "absolute": lambda: _("Your session reached its maximum length. Sign in again."),
}


def _page(request, template: str, context: dict | None = None, status: int = 200):
    return render(request, f"operators/{template}", {"operator": getattr(request, "operator", None),
                                                      **(context or {})}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    next_url = safe_next(request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "GET" and current(request) is not None:
        return redirect(next_url or reverse("operators:organisations"))
    form = LoginForm(request.POST if request.method == "POST" else None, initial={"next": next_url})
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = signin.sign_in(request, form.cleaned_data["name"], form.cleaned_data["password"])
        if outcome.busy:
            response = render(request, "errors/503.html", status=503)
            response["Retry-After"] = "5"
            return response
        if outcome.operator is not None:
            return redirect(next_url or reverse("operators:organisations"))
        form.add_error(None, outcome.error)
        status = 429 if outcome.locked else 200
    notice = ENDED.get(request.GET.get("ended", ""), lambda: None)()
    if request.GET.get("signed_out"):
        notice = _("You have been signed out.")
    return _page(request, "login.html", {"form": form, "notice": notice}, status)


@never_cache
@require_POST
@operator_required
def logout(request):
    signin.sign_out(request, request.operator)
    return redirect(reverse("operators:login") + "?signed_out=1")


@never_cache
@operator_required
def home(request):
    return redirect("operators:organisations")


@never_cache
@operator_required
def organisation_list(request):
    return _page(request, "organisations.html", {"organisations": organisations.overview(),
                                                 "created": request.GET.get("created", "")})


@never_cache
@require_http_methods(["GET", "POST"])
@operator_required
def organisation_new(request):
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation, _admin = organisations.create(
                data["slug"], data["name"], contact=data["contact"], admin_email=data["admin_email"],
                admin_name=data["admin_name"], operator_name=request.operator.name, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(reverse("operators:organisations") + f"?created={organisation.slug}")
    return _page(request, "organisation_new.html", {"form": form}, 400 if form.is_bound else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@operator_required
def organisation_status(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    initial = {"status": organisation.status, "trial_ends_on": organisation.trial_ends_on,
               "message": organisation.status_message}
    form = StatusForm(request.POST if request.method == "POST" else None, initial=initial)
    preview, saved = None, request.GET.get("saved") == "1"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = (data["status"], data["trial_ends_on"], data["message"])
        if request.POST.get("action") == "save":
            try:
                organisations.change_status(organisation, *values, operator_name=request.operator.name,
                                            request=request)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(reverse("operators:organisation_status", kwargs={"slug": organisation.slug}) + "?saved=1")
        else:
            preview = {"text": organisations.preview(organisation, *values)}
    context = {"organisation_shown": organisation, "form": form, "preview": preview, "saved": saved,
               "current_text": organisations.preview(organisation, organisation.status, organisation.trial_ends_on,
                                                     organisation.status_message)}
    return _page(request, "organisation_status.html", context, 400 if form.is_bound and form.errors else 200)


def _outbox(request, *, notice: str | None = None, error: str | None = None, status: int = 200):
    messages = failed_mail.failed_messages()
    return _page(request, "outbox.html", {"messages": messages[:failed_mail.SHOWN], "total": messages.count(),
                                          "notice": notice, "error": error}, status)


@never_cache
@operator_required
def outbox(request):
    retried = request.GET.get("retried", "")
    notice = None
    if retried.isdigit():
        count = int(retried)
        notice = (ngettext("%(count)d message is back in the queue.", "%(count)d messages are back in the queue.",
                           count) % {"count": count} if count else
                  _("Nothing was put back: that message is no longer waiting for a retry."))
    return _outbox(request, notice=notice)


@never_cache
@require_POST
@operator_required
def outbox_retry(request):
    form = RetryForm(request.POST)
    if not form.is_valid():
        return _outbox(request, error=_("That is not a message number."), status=400)
    count = failed_mail.retry(form.cleaned_data["message_id"], operator_name=request.operator.name, request=request)
    return redirect(reverse("operators:outbox") + f"?retried={count}")


@never_cache
@require_http_methods(["GET", "POST"])
@operator_required
def terms_page(request):
    form = TermsForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                published = terms.publish(form.cleaned_data["text"], operator_name=request.operator.name,
                                          request=request)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(reverse("operators:terms") + f"?published={published.version}")
        status = 400
    current_version = terms.current_version()
    return _page(request, "terms.html", {"form": form, "current": current_version,
                                         "versions": TermsVersion.objects.all()[:50],
                                         "published": request.GET.get("published", "")}, status)
