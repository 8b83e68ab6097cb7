"""Links from e-mail whose token must leave the address bar before a form is shown: the
link's page checks the token (without using it), keeps it in this browser's session and
sends the browser on to the form page, so the token is not left in the address bar, the
history or a Referer header. Activation and password reset work this way."""

from django.shortcuts import redirect
from django.urls import reverse

from poortwachter.accounts.tokens import State

MISSING = "missing"  # no link in this browser's session (cookies off, session ended)
STATUS = {State.UNKNOWN: 404, State.EXPIRED: 410, MISSING: 400}


def keep(request, token: str, *, session_key: str, examine, form_url_name: str, problem):
    """The link's page: a valid token goes into the session, the browser to the form."""
    checked = examine(request.organisation, token)
    if checked.state != State.VALID:
        return problem(request, checked.state)
    request.session[session_key] = token
    return redirect(reverse(form_url_name, kwargs={"organisation_slug": request.organisation.slug}))


def held(request, *, session_key: str, examine):
    """The form page: (raw token, checked) for the link kept in the session; `checked` is
    MISSING when there is none."""
    raw = request.session.get(session_key, "")
    return raw, (examine(request.organisation, raw) if raw else MISSING)


def state_of(checked) -> str | State:
    return MISSING if checked == MISSING else checked.state
