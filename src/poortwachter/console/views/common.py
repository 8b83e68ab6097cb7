"""What every console page shares: its decorators, the user of this organisation named in
the URL (another organisation's id is a 404), and short notices after a redirect."""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poortwachter.accounts.models import User
from poortwachter.console.access import console_required


def console_page(methods=("GET",), *, terms_gate=True, reauth=False):
    """never_cache + allowed methods + console access (+ re-authentication for sensitive
    pages: signin.reauth asks for the password again when the last proof is > 5 minutes old)."""
    def decorate(view):
        inner = _reauth_required(view) if reauth else view
        return never_cache(require_http_methods(list(methods))(console_required(inner, terms_gate=terms_gate)))
    return decorate


def _reauth_required(view):
    # Imported when called: the console keeps loading while signin.reauth is changed.
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        from poortwachter.signin.reauth import reauth_required

        return reauth_required(view)(request, *args, **kwargs)
    return wrapper


def user_of_organisation(request, pk: int) -> User:
    user = get_object_or_404(User, pk=pk, organisation=request.organisation)
    user.organisation = request.organisation
    return user


def url(request, name: str, **kwargs) -> str:
    return reverse(f"console:{name}", kwargs={"organisation_slug": request.organisation.slug, **kwargs})


def back(request, name: str, done: str = "", **kwargs):
    target = url(request, name, **kwargs)
    return redirect(f"{target}?{urlencode({'done': done})}" if done else target)
