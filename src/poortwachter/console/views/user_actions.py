"""What an administrator does to one user: each action is a POST (CSRF) that changes the
user of this organisation named in the URL and redirects back with a notice, or shows the
user's page again with the reason it was refused. Sensitive actions (e-mail, password,
removing 2FA) have their own page behind re-authentication."""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from poortwachter.console import user_admin
from poortwachter.console.forms import (BlockForm, ConfirmForm, EmailForm, RolesForm, SecondStepForm,
                                        SetPasswordForm, first_error)
from poortwachter.console.views.common import back, console_page, user_of_organisation
from poortwachter.console.views.users import detail_context


def _refused(request, user, error: ValidationError, **forms):
    context = detail_context(request, user, error=first_error(error), **forms)
    return render(request, "console/user.html", context, status=400)


def _act(request, pk, action, done: str, form_class=None, **form_kwargs):
    """Run `action(request, user[, cleaned_data])` for a valid form, or refuse."""
    user = user_of_organisation(request, pk)
    form = (form_class or ConfirmForm)(request.POST, **form_kwargs)
    if not form.is_valid():
        return _refused(request, user, ValidationError(list(form.errors.values())[0]))
    try:
        action(user, form.cleaned_data)
    except ValidationError as error:
        return _refused(request, user, error)
    if done == "deleted":
        return back(request, "users", done)
    return back(request, "user", done, pk=user.pk)


@console_page(["POST"])
def resend_activation(request, pk):
    return _act(request, pk, lambda user, _: user_admin.resend_activation(request, user), "activation")


@console_page(["POST"])
def send_reset_link(request, pk):
    return _act(request, pk, lambda user, _: user_admin.send_reset_link(request, user), "reset")


@console_page(["POST"])
def block(request, pk):
    return _act(request, pk, lambda user, data: user_admin.block(request, user, data["reason"]), "blocked",
                BlockForm)


@console_page(["POST"])
def unblock(request, pk):
    return _act(request, pk, lambda user, _: user_admin.unblock(request, user), "unblocked")


@console_page(["POST"])
def lift_lock(request, pk):
    return _act(request, pk, lambda user, _: user_admin.lift_lock(request, user), "unlocked")


@console_page(["POST"])
def roles(request, pk):
    return _act(request, pk, lambda user, data: user_admin.set_roles(request, user, data["roles"]), "roles",
                RolesForm, organisation=request.organisation)


@console_page(["POST"])
def second_step(request, pk):
    return _act(request, pk, lambda user, data: user_admin.require_second_step(request, user, data["required"]),
                "second_step", SecondStepForm)


@console_page(["POST"])
def end_session(request, pk, session_key):
    return _act(request, pk, lambda user, _: user_admin.end_one_session(request, user, session_key), "session")


@console_page(["GET", "POST"])
def delete(request, pk):
    user = user_of_organisation(request, pk)
    if request.method == "GET":
        return render(request, "console/user_delete.html", {"subject": user})
    return _act(request, pk, lambda user, _: user_admin.delete(request, user), "deleted")


@console_page(["GET", "POST"], reauth=True)
def change_email(request, pk):
    user = user_of_organisation(request, pk)
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_admin.change_email(request, user, form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error("email", error)
        else:
            return back(request, "user", "email", pk=user.pk)
    return render(request, "console/user_email.html", {"subject": user, "form": form})


@console_page(["GET", "POST"], reauth=True)
def set_password(request, pk):
    user = user_of_organisation(request, pk)
    form = SetPasswordForm(request.POST or None, user=user,
                           initial={"password": user_admin.suggested_password()})
    if request.method == "POST" and form.is_valid():
        try:
            user_admin.set_password(request, user, form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return back(request, "user", "password", pk=user.pk)
    return render(request, "console/user_password.html", {"subject": user, "form": form})


@console_page(["GET", "POST"], reauth=True)
def remove_second_step(request, pk):
    user = user_of_organisation(request, pk)
    if request.method == "POST":
        return _act(request, pk, lambda user, _: user_admin.remove_second_step(request, user),
                    "second_step_removed")
    return render(request, "console/user_second_step_remove.html", {"subject": user})
