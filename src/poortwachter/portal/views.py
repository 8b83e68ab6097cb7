"""The signed-in start page and dashboard, so landing after sign-in works out of the box."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from poortwachter.signin.decorators import signed_in_required
from poortwachter.system import pages


@never_cache
@signed_in_required
def start(request):
    return render(request, "portal/start.html", {"roles": list(request.user.roles.all())})


@never_cache
@signed_in_required
def dashboard(request):
    return pages.render(request, "portal/dashboard.html", {"name": request.user.display_name})
