"""Pages of the second step during sign-in. Thin: the flow decides. Each page opens only for
a pending sign-in whose current step it is."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from poortwachter.accounts.models import User
from poortwachter.methods import email_code, recovery_codes, second_step, setup
from poortwachter.methods.models import Kind
from poortwachter.signin import flow
from poortwachter.signin.pending import at_step
from poortwachter.signin.record import PendingSignin
from poortwachter.signin.second_step import flow as second_step_flow, setup_form


@never_cache
@require_http_methods(["GET", "POST"])
def prove(request):
    pending, user, elsewhere = at_step(request, "second_step")
    if elsewhere:
        return elsewhere
    kinds = second_step.usable_kinds(user, pending.amr)
    error, notice, status, method = "", "", 200, request.POST.get("method", "")
    if request.method == "POST" and method == "send_email" and Kind.EMAIL in kinds:
        sent = setup.send_email_code(user, request.LANGUAGE_CODE)
        notice = _("We sent you a new code.") if sent else _("Please wait a minute before you ask for another code.")
    elif request.method == "POST" and method in second_step_flow.METHODS:
        result = second_step_flow.prove(request, pending, user, method, request.POST.get("code", "")[:200])
        if result.go_to:
            return redirect(result.go_to)
        if result.ended:
            url = reverse("signin:login", kwargs={"organisation_slug": request.organisation.slug})
            return render(request, "second_step/ended.html", {"error": result.error, "login_url": url}, status=403)
        error, status = result.error, 400
    elif request.method == "GET" and kinds == [Kind.EMAIL] and email_code.live(user) is None:
        setup.send_email_code(user, request.LANGUAGE_CODE)  # the only way: send it at once
    context = {"kinds": kinds, "error": error, "notice": notice, "method": method,
               "code_shown": email_code.shown(user) if Kind.EMAIL in kinds else None,
               "has_recovery_codes": recovery_codes.remaining(user) > 0, "user": user}
    return render(request, "second_step/prove.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def set_up(request):
    """The organisation requires a second step and the user has none that is allowed."""
    pending, user, elsewhere = at_step(request, "second_step_setup")
    if elsewhere:
        return elsewhere
    return _setup_page(request, user, pending)


def _setup_page(request, user, pending):
    allowed = [k for k in second_step.allowed_kinds(user.organisation.policy)
               if not (k == Kind.EMAIL and "email" in pending.amr)]
    handled = setup_form.handle(request, user, allowed)
    if handled.added:
        return _added(request, user, pending, handled.added, handled.codes)
    return render(request, "second_step/setup.html", handled.context, status=handled.status)


def _added(request, user, pending, amr: str, codes: list[str]):
    from poortwachter.signin import assurance

    pending.amr = assurance.amr_for(pending.amr + [amr])
    pending.save(request.session)
    if codes:
        return render(request, "second_step/recovery_codes.html", {"codes": codes, "during_signin": True})
    return redirect(flow.continue_pending(request, pending, user).go_to)


@never_cache
@require_http_methods(["GET"])
def recovery_codes_download(request):
    """The codes just shown, as a text file (only while they are being shown)."""
    codes = setup.shown_codes(request.session)
    if not codes:
        return redirect(reverse("signin:login", kwargs={"organisation_slug": request.organisation.slug}))
    text = _("Recovery codes for %(org)s. Each code works once.") % {"org": request.organisation.name}
    response = HttpResponse(text + "\n\n" + "\n".join(codes) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="recovery-codes-{request.organisation.slug}.txt"'
    return response


@never_cache
@require_http_methods(["POST"])
def done(request):
    """After the recovery codes were shown during sign-in: go on."""
    organisation = request.organisation
    pending = PendingSignin.load(request.session, organisation)
    user = User.objects.filter(pk=pending.user_id, organisation=organisation).first() if pending else None
    if user is None:
        return redirect(reverse("signin:login", kwargs={"organisation_slug": organisation.slug}))
    user.organisation = organisation
    request.session.pop(setup.CODES_KEY, None)
    return redirect(flow.continue_pending(request, pending, user).go_to)
