"""The set-up form for a second step, shared by the sign-in's forced set-up and personal
settings: confirm an authenticator app with its first code, or switch on codes by e-mail
with a code sent to the address. The pages decide what happens once a method is added."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from poortwachter.methods import email_code, second_step, setup, totp
from poortwachter.methods.models import Kind


@dataclass
class Handled:
    added: str = ""  # the AMR value of the method just added; "" while nothing was
    codes: list[str] = field(default_factory=list)  # new recovery codes to show once
    context: dict = field(default_factory=dict)
    status: int = 200


def handle(request, user, allowed: list[str]) -> Handled:
    error, notice, status, method = "", "", 200, request.POST.get("method", "")
    typed = request.POST.get("code", "")[:200]
    if request.method == "POST" and method == "totp" and Kind.TOTP in allowed:
        codes = setup.confirm_totp(request, user, typed)
        if codes is not None:
            return Handled(added=totp.AMR, codes=codes)
        error, status = _("That code is not right. Enter the current code from your app."), 400
    elif request.method == "POST" and method == "send_email" and Kind.EMAIL in allowed:
        sent = setup.send_email_code(user, request.LANGUAGE_CODE)
        notice = _("We sent you a code.") if sent else _("Please wait a minute before you ask for another code.")
    elif request.method == "POST" and method == "email" and Kind.EMAIL in allowed:
        if setup.confirm_email_code(request, user, typed) == email_code.Result.OK:
            return Handled(added=email_code.AMR)
        error, status = _("That code is not right or no longer works. Ask for a new code."), 400
    secret = setup.pending_totp_secret(request.session)
    uri = totp.provisioning_uri(secret, user)
    context = {"allowed": allowed, "error": error, "notice": notice, "method": method,
               "secret": totp.grouped(secret), "qr": totp.qr_svg(uri), "uri": uri,
               "code_shown": email_code.shown(user), "required": second_step.is_required(user)}
    return Handled(context=context, status=status)
