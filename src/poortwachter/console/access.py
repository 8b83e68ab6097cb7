"""Who may use the console: a signed-in person whose role grants console rights. Everyone
else gets a clear 403 page; someone not signed in goes to the login page."""

from functools import wraps

from django.shortcuts import render

from poortwachter.accounts.roles import has_console_access
from poortwachter.signin.decorators import signed_in_required


def console_required(view):
    @signed_in_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_console_access(request.user):
            return render(request, "errors/403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
