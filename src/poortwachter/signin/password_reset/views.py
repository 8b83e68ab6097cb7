"""Password reset pages. "Forgot" answers the same whether or not the account exists (it only
records a mail request). The link from the e-mail is checked (not used), its token moves
into the session, and the browser continues at /<slug>/password/reset without it."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poortwachter.accounts.tokens import State
from poortwachter.signin import link_in_session
from poortwachter.mail import requests as mail_requests
from poortwachter.signin.activation.forms import ChoosePasswordForm
from poortwachter.signin.password_reset import flow
from poortwachter.signin.password_reset.forms import ForgotPasswordForm

SESSION_KEY = "reset_token"


def _problem(request, state):
    context = {"state": str(state), "minutes": request.organisation.policy.reset_link_minutes}
    status = link_in_session.STATUS.get(state, 200)
    return render(request, "password_reset/link_problem.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def forgot(request):
    organisation = request.organisation
    form = ForgotPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        mail_requests.record("password_reset", form.cleaned_data["identifier"], request=request,
                             organisation=organisation)
        context = {"minutes": organisation.policy.reset_link_minutes}
        return render(request, "password_reset/sent.html", context)
    return render(request, "password_reset/forgot.html", {"form": form})


@never_cache
@require_http_methods(["GET", "HEAD"])
def link(request, token):
    return link_in_session.keep(request, token, session_key=SESSION_KEY, examine=flow.examine,
                                form_url_name="password_reset:reset", problem=_problem)


@never_cache
@require_http_methods(["GET", "POST"])
def reset(request):
    organisation = request.organisation
    raw, checked = link_in_session.held(request, session_key=SESSION_KEY, examine=flow.examine)
    state = link_in_session.state_of(checked)
    if state != State.VALID:
        return _problem(request, state)
    user = checked.token.user
    form = ChoosePasswordForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        state = flow.reset(request, organisation, raw, form.cleaned_data["new_password"])
        if state != State.VALID:
            return _problem(request, state)
        # This browser's session may have been one of the person's (now ended): start a
        # fresh one, keeping the used link so a second submission is explained, not lost.
        request.session.flush()
        request.session[SESSION_KEY] = raw
        login = reverse("signin:login", kwargs={"organisation_slug": organisation.slug})
        return redirect(f"{login}?password_changed=1")
    return render(request, "password_reset/choose_password.html", {"form": form, "account": user})
