"""`signed_in_required`: a page of the portal that needs a signed-in person sends everyone
else to the login page, remembering where they were going."""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def login_url(organisation, next_path: str = "", **extra) -> str:
    url = reverse("signin:login", kwargs={"organisation_slug": organisation.slug})
    query = {k: v for k, v in {"next": next_path, **extra}.items() if v}
    return f"{url}?{urlencode(query)}" if query else url


def signed_in_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            extra = {"ended": request.session_ended} if request.session_ended else {}
            return redirect(login_url(request.organisation, request.get_full_path(), **extra))
        # The lazy wrapper has done its work: the page (and its template's many lookups)
        # gets the user itself instead of a proxy that costs a detour on every attribute.
        request.user = getattr(request.user, "_wrapped", request.user)
        return view(request, *args, **kwargs)

    return wrapper
