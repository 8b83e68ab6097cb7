"""Activation pages. The link from the welcome e-mail is checked (not used), its token moves
into the session and the browser continues at /<slug>/activate, so the token is not left in
the address bar, the history or a Referer header; that page asks for the first password."""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poortwachter.accounts.tokens import State
from poortwachter.signin import link_in_session
from poortwachter.signin.activation import flow
from poortwachter.signin.activation.forms import ChoosePasswordForm

SESSION_KEY = "activation_token"


def _problem(request, state):
    """Why the link does not work, and what to do instead."""
    context = {"state": str(state), "days": request.organisation.policy.activation_link_days}
    status = link_in_session.STATUS.get(state, 200)
    return render(request, "activation/link_problem.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD"])
def link(request, token):
    return link_in_session.keep(request, token, session_key=SESSION_KEY, examine=flow.examine,
                                form_url_name="activation:activate", problem=_problem)


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request):
    organisation = request.organisation
    raw, checked = link_in_session.held(request, session_key=SESSION_KEY, examine=flow.examine)
    state = link_in_session.state_of(checked)
    if state != State.VALID:
        return _problem(request, state)
    user = checked.token.user
    form = ChoosePasswordForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        # Out of the session before the sign-in rotates it: the link is done either way.
        request.session.pop(SESSION_KEY, None)
        result = flow.activate(request, organisation, raw, form.cleaned_data["new_password"])
        if result.state != State.VALID:
            return _problem(request, result.state)
        if result.refusal:
            return render(request, "activation/refused.html", {"message": result.refusal}, status=403)
        return redirect(result.go_to)
    return render(request, "activation/choose_password.html", {"form": form, "account": user})
