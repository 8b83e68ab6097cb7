"""Who may use the console, and for how long: a signed-in person whose role grants console
rights ("Instellingen en onderhoud"; SuperOffice's "user level 0"). Everyone else gets a
clear 403 page; someone not signed in goes to the login page.

The console has its own, shorter idle limit (policy.console_idle_minutes, 1 hour by
default): activity in the console is remembered in the session as `console_seen_at`, and
an administrator who leaves the console alone longer is signed out entirely, like the
portal's own idle limit does. Before anything else the administrator accepts the current
terms of service (console.terms)."""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse

from poortwachter import clock
from poortwachter.accounts import signals
from poortwachter.accounts.roles import has_console_access
from poortwachter.console import terms
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.signin.decorators import login_url, signed_in_required

# Like the portal's "seen_at": written at most once a minute, not on every page.
SEEN_RESOLUTION_SECONDS = 60


def console_required(view=None, *, terms_gate: bool = True):
    """Decorate a console view. `terms_gate=False` only for the terms page itself."""
    if view is None:
        return lambda v: console_required(v, terms_gate=terms_gate)

    @signed_in_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_console_access(request.user):
            return render(request, "console/forbidden.html", status=403)
        if _idle_too_long(request):
            return _sign_out_idle(request)
        if terms_gate and terms.outstanding(request.user) is not None:
            url = reverse("console:terms", kwargs={"organisation_slug": request.organisation.slug})
            if request.method == "GET":
                url += "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return view(request, *args, **kwargs)

    return wrapper


def _idle_too_long(request) -> bool:
    session, now = request.session, clock.timestamp()
    # The first console page of a session starts the console's clock; before it the
    # portal's own idle limit applied.
    seen = session.get("console_seen_at", now)
    if now - seen > request.organisation.policy.console_idle_minutes * 60:
        return True
    if now - seen >= SEEN_RESOLUTION_SECONDS or "console_seen_at" not in session:
        session["console_seen_at"] = now
    return False


def _sign_out_idle(request):
    user, key = request.user, request.session.session_key
    audit.record(Event.SESSION_EXPIRED, request=request, subject=user, reason="console_idle")
    request.session.flush()
    signals.session_ended.send(sender=None, user=user, session_key=key, reason="console_idle")
    return redirect(login_url(request.organisation, request.get_full_path(), ended="idle"))
