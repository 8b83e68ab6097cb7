"""The user list (search, filters, keyset pages), creating a user, and one user's page."""

from datetime import datetime, timezone

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from poortwachter.console import user_admin, user_list
from poortwachter.console.forms import (BlockForm, EmailForm, RolesForm, SecondStepForm, UserCreateForm,
                                        UserFilterForm)
from poortwachter.console.views.common import back, console_page, user_of_organisation
from poortwachter.security import attempts

NOTICES = {
    "created": lambda: _("The user has been created and the welcome e-mail has been sent."),
    "activation": lambda: _("A new activation e-mail has been sent; the previous link no longer works."),
    "email": lambda: _("The e-mail address has been changed. Both addresses have been told."),
    "reset": lambda: _("A link to choose a new password has been sent."),
    "password": lambda: _("The new password has been set and sent by e-mail. Two-step verification "
                          "is switched off and the user has been signed out everywhere."),
    "blocked": lambda: _("The user has been blocked and signed out everywhere."),
    "unblocked": lambda: _("The user has access again."),
    "unlocked": lambda: _("The lock-out has been lifted."),
    "roles": lambda: _("The roles have been saved."),
    "second_step": lambda: _("The two-step verification setting has been saved."),
    "second_step_removed": lambda: _("Two-step verification has been switched off for this user."),
    "session": lambda: _("The session has been ended."),
    "deleted": lambda: _("The user has been deleted."),
}


def notice(request):
    return NOTICES.get(request.GET.get("done", ""), lambda: None)()


@console_page()
def user_list_page(request):
    organisation = request.organisation
    form = UserFilterForm(request.GET or None, organisation=organisation)
    filters, after, before = user_list.Filters(), "", ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = user_list.Filters(q=data["q"], status=data["status"],
                                    role=data["role"].pk if data["role"] else None,
                                    second_step=data["second_step"], signed_in=data["signed_in"])
        after, before = data["after"], data["before"]
    found = user_list.page(organisation, filters, after=after, before=before)
    query = request.GET.copy()
    for key in ("after", "before", "done", "lang"):
        query.pop(key, None)
    return render(request, "console/users.html", {
        "form": form, "page": found, "query": query.urlencode(), "notice": notice(request),
    })


@console_page(["GET", "POST"])
def user_create(request):
    form = UserCreateForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_admin.create(request, email=data["email"], username=data["username"],
                                     name=data["name"], roles=data["roles"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return back(request, "user", "created", pk=user.pk)
    return render(request, "console/user_create.html", {"form": form})


def detail_context(request, user, **extra) -> dict:
    organisation = request.organisation
    return {
        "subject": user,
        "notice": notice(request),
        "is_self": user.pk == request.user.pk,
        "locked": user.locked_at is not None or _temporarily_locked(user),
        "sessions": _sessions(user),
        "roles_form": RolesForm(initial={"roles": list(user.roles.all())}, organisation=organisation),
        "second_step_form": SecondStepForm(initial={"required": user.second_step_required}),
        "block_form": BlockForm(),
        "email_form": EmailForm(),
        **extra,
    }


def _sessions(user) -> list:
    sessions = list(user_admin.sessions_of(user)[:50])
    for session in sessions:
        session.signed_in = (datetime.fromtimestamp(session.signed_in_at, tz=timezone.utc)
                             if session.signed_in_at else None)
    return sessions


def _temporarily_locked(user) -> bool:
    from django.core.cache import cache

    from poortwachter import clock

    until = cache.get(attempts._lock_key(attempts.account_key(user.organisation, user, "")))
    return bool(until and until > clock.timestamp())


@console_page()
def user_detail(request, pk):
    user = user_of_organisation(request, pk)
    return render(request, "console/user.html", detail_context(request, user))
