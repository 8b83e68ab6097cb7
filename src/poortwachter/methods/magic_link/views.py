"""Magic-link pages: asking for a link (`ask`) and opening it (`open_link`: GET shows a
confirmation button, POST signs in). Thin: `flow` decides. When the organisation switched
the method off, both say so and do nothing."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poortwachter.methods.magic_link import flow
from poortwachter.methods.magic_link.forms import LinkRequestForm


def _unavailable(request):
    return render(request, "magic_link/unavailable.html", status=404)


@never_cache
@require_http_methods(["GET", "POST"])
def ask(request):
    organisation = request.organisation
    if not organisation.policy.allow_magic_link:
        return _unavailable(request)
    form = LinkRequestForm(request.POST if request.method == "POST" else None,
                           initial={"next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        flow.ask(request, organisation, form.cleaned_data["identifier"], form.cleaned_data["next"])
        url = reverse("magic_link:ask", kwargs={"organisation_slug": organisation.slug})
        return redirect(f"{url}?sent=1")  # post/redirect/get: a reload sends nothing
    sent = request.method == "GET" and request.GET.get("sent") == "1"
    context = {"form": form, "sent": sent, "minutes": organisation.policy.magic_link_minutes}
    return render(request, "magic_link/ask.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def open_link(request, token: str):
    organisation = request.organisation
    if not organisation.policy.allow_magic_link:
        return _unavailable(request)
    if request.method == "POST":
        used = flow.use(request, organisation, token)
        if used.go_to:
            return redirect(used.go_to)
        state, message, status = used.state, used.message, 403
    else:
        state, message, status = flow.look(request, organisation, token), "", 200
    context = {"state": state, "message": message, "minutes": organisation.policy.magic_link_minutes}
    return render(request, "magic_link/open.html", context, status=status)
