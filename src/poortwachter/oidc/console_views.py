"""Console pages for the organisation's apps: list, register, change, new secret, delete.
Changes need a recent proof of identity (re-authentication); a secret is shown once."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from poortwachter.console.access import console_required
from poortwachter.oidc import issuer, registration
from poortwachter.oidc.console_forms import AppForm
from poortwachter.oidc.models import App
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.signin.reauth import reauth_required

NOTICES = {"saved": lambda: _("The app has been saved."), "deleted": lambda: _("The app has been deleted.")}


def _list_url(request) -> str:
    return reverse("oidc_console:apps", kwargs={"organisation_slug": request.organisation.slug})


def _app(request, pk) -> App:
    return get_object_or_404(App, pk=pk, organisation=request.organisation)


@never_cache
@require_GET
@console_required
def app_list(request):
    apps = App.objects.filter(organisation=request.organisation)
    notice = NOTICES.get(request.GET.get("done", ""), lambda: None)()
    return render(request, "oidc/console/apps.html", {"apps": apps, "notice": notice,
                                                      "issuer": issuer.issuer(request.organisation)})


def _secret_page(request, app, secret):
    return render(request, "oidc/console/secret.html", {"app": app, "secret": secret,
                                                        "issuer": issuer.issuer(request.organisation)})


@never_cache
@require_http_methods(["GET", "POST"])
@console_required
@reauth_required
def app_create(request):
    form = AppForm.of(None, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            values = form.values()
            app, secret = registration.create_app(request.organisation, values.pop("name"),
                                                  id_token_alg=form.cleaned_data["id_token_alg"], **values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            audit.record(Event.OIDC_APP_CREATED, request=request, actor=request.user, subject_label=app.client_id)
            return _secret_page(request, app, secret)
    return render(request, "oidc/console/app.html", {"form": form, "app": None}, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@console_required
@reauth_required
def app_edit(request, pk):
    app = _app(request, pk)
    form = AppForm.of(app, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            registration.update_app(app, id_token_signed_response_alg=form.cleaned_data["id_token_alg"],
                                    **form.values())
        except ValidationError as error:
            app.refresh_from_db()
            form.add_error(None, error)
        else:
            audit.record(Event.OIDC_APP_CHANGED, request=request, actor=request.user, subject_label=app.client_id)
            return redirect(_list_url(request) + "?done=saved")
    return render(request, "oidc/console/app.html", {"form": form, "app": app}, status=400 if form.errors else 200)


@never_cache
@require_POST
@console_required
@reauth_required
def app_secret(request, pk):
    app = _app(request, pk)
    try:
        secret = registration.rotate_secret(app)
    except ValidationError as error:
        return render(request, "oidc/console/apps.html", {"apps": App.objects.filter(organisation=request.organisation),
                                                          "error": error.messages[0]}, status=400)
    audit.record(Event.OIDC_SECRET_ROTATED, request=request, actor=request.user, subject_label=app.client_id)
    return _secret_page(request, app, secret)


@never_cache
@require_POST
@console_required
@reauth_required
def app_delete(request, pk):
    app = _app(request, pk)
    client_id = app.client_id
    app.delete()
    audit.record(Event.OIDC_APP_DELETED, request=request, actor=request.user, subject_label=client_id)
    return redirect(_list_url(request) + "?done=deleted")
