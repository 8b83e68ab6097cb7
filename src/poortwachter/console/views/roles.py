"""Roles pages: the list, a new role, editing and deleting one (behind re-authentication)."""

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from poortwachter.accounts.models import Role
from poortwachter.console import role_admin
from poortwachter.console.forms import first_error
from poortwachter.console.role_forms import RoleForm
from poortwachter.console.views.common import back, console_page

NOTICES = {
    "created": lambda: _("The role has been created."),
    "saved": lambda: _("The role has been saved."),
    "deleted": lambda: _("The role has been deleted."),
}


def _roles(request):
    return Role.objects.filter(organisation=request.organisation).annotate(user_count=Count("users"))


@console_page()
def role_list(request):
    notice = NOTICES.get(request.GET.get("done", ""), lambda: None)()
    return render(request, "console/roles.html", {"roles": _roles(request), "notice": notice})


def _edit(request, role: Role | None):
    before = role_admin.values(role) if role else None
    form = RoleForm(request.POST or None, instance=role, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            role_admin.save(request, form.save(commit=False), before)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return back(request, "roles", "saved" if before else "created")
    return render(request, "console/role.html", {"form": form, "role": role})


@console_page(["GET", "POST"], reauth=True)
def role_create(request):
    return _edit(request, None)


@console_page(["GET", "POST"], reauth=True)
def role_edit(request, pk):
    return _edit(request, get_object_or_404(Role, pk=pk, organisation=request.organisation))


@console_page(["POST"], reauth=True)
def role_delete(request, pk):
    role = get_object_or_404(Role, pk=pk, organisation=request.organisation)
    try:
        role_admin.delete(request, role)
    except ValidationError as error:
        return render(request, "console/roles.html",
                      {"roles": _roles(request), "error": first_error(error)}, status=400)
    return back(request, "roles", "deleted")
