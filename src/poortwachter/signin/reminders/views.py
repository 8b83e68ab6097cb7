"""The reminder pages: "Gebruikersnaam vergeten?" in an organisation's portal and "Welke
website moet ik gebruiken?" at the root. They only record the request (one insert,
whatever was typed) and redirect to the same "sent" answer, so nobody learns from them
whether an address has an account."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poortwachter.mail import requests
from poortwachter.signin.reminders.forms import EmailAddressForm


def _sent(request, url: str):
    # Post/redirect/get: reloading the answer does not send the form again.
    return redirect(f"{url}?sent=1")


@never_cache
@require_http_methods(["GET", "POST"])
def username_forgot(request):
    organisation = request.organisation
    form = EmailAddressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        requests.record("username_reminder", form.cleaned_data["email"], request=request,
                        organisation=organisation)
        return _sent(request, reverse("reminders:username_forgot",
                                      kwargs={"organisation_slug": organisation.slug}))
    sent = request.method == "GET" and request.GET.get("sent") == "1"
    return render(request, "reminders/username_forgot.html", {"form": form, "sent": sent})


@never_cache
@require_http_methods(["GET", "POST"])
def which_website(request):
    """The root page: what this installation is, and the list of portals by e-mail."""
    form = EmailAddressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        requests.record("which_website", form.cleaned_data["email"], request=request, organisation=None)
        return _sent(request, reverse("root"))
    sent = request.method == "GET" and request.GET.get("sent") == "1"
    return render(request, "system/root.html", {"form": form, "sent": sent})
