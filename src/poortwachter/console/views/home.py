"""The console's start page and the terms of service an administrator accepts first."""

from django.shortcuts import redirect, render

from poortwachter.console import terms
from poortwachter.console.views.common import console_page, url
from poortwachter.signin.next_url import safe_next


@console_page()
def overview(request):
    return render(request, "console/overview.html")


@console_page(["GET", "POST"], terms_gate=False)
def terms_page(request):
    version = terms.outstanding(request.user)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    target = safe_next(next_url, request.organisation) or url(request, "overview")
    if version is None:
        return redirect(target)  # nothing (left) to accept
    if request.method == "POST":
        try:
            chosen = int(request.POST.get("version", ""))
        except ValueError:
            chosen = None
        if request.POST.get("accept") == "1" and chosen is not None and terms.accept(request, request.user, chosen):
            return redirect(target)
        # A newer version was published meanwhile, or the box was not ticked: show it again.
        return render(request, "console/terms.html",
                      {"version": version, "next": next_url, "refused": True}, status=400)
    return render(request, "console/terms.html", {"version": version, "next": next_url})
