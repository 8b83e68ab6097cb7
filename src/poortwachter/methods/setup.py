"""Setting up a second step, shared by the sign-in (when the organisation requires one) and
personal settings. The authenticator-app key waits in the session until the first code
confirms it; an e-mail code is switched on by entering a code sent to the address. The first
strong method also makes the ten recovery codes, shown once."""

from django.db import transaction

from poortwachter import clock
from poortwachter.mail import outbox
from poortwachter.methods import email_code, recovery_codes, second_step, totp
from poortwachter.methods.models import Authenticator, Kind, RecoveryCode
from poortwachter.security import audit
from poortwachter.security.audit import Event

_TOTP_KEY = "totp_setup"
_SETUP_SECONDS = 15 * 60
CODES_KEY = "recovery_codes_shown"


def pending_totp_secret(session) -> str:
    """The key being set up, a new one when none (or an old one) is waiting."""
    held = session.get(_TOTP_KEY)
    if isinstance(held, dict) and clock.timestamp() - held.get("at", 0) < _SETUP_SECONDS:
        return held["secret"]
    secret = totp.new_secret()
    session[_TOTP_KEY] = {"secret": secret, "at": clock.timestamp()}
    return secret


def confirm_totp(request, user, typed: str) -> list[str] | None:
    """The first code from the app. Returns the new recovery codes ([] when the user already
    had codes), or None when the code is wrong."""
    secret = pending_totp_secret(request.session)
    with transaction.atomic():
        if totp.confirm(user, secret, typed) is None:
            return None
        request.session.pop(_TOTP_KEY, None)
        return added(request, user, Kind.TOTP)


def send_email_code(user, language: str = "") -> bool:
    """A code to confirm the address (or to sign in with); False when throttled."""
    if not email_code.may_send(user):
        return False
    email_code.send(user, language)
    audit.record(Event.EMAIL_CODE_SENT, organisation=user.organisation, actor=user, subject=user)
    return True


def confirm_email_code(request, user, typed: str) -> email_code.Result:
    result = email_code.verify(user, typed)
    if result == email_code.Result.OK:
        with transaction.atomic():
            Authenticator.objects.get_or_create(organisation_id=user.organisation_id, user=user, kind=Kind.EMAIL,
                                                defaults={"name": "email", "last_used_at": clock.now()})
            added(request, user, Kind.EMAIL)
    return result


def added(request, user, kind: str) -> list[str]:
    second_step.forget_kinds(user)
    audit.record(Event.SECOND_STEP_ADDED, request=request, organisation=user.organisation,
                 actor=user, subject=user, reason=kind)
    tell(request, user, kind_added=kind)
    if kind == Kind.EMAIL or RecoveryCode.objects.filter(user=user, used_at=None).exists():
        return []
    return renew_recovery_codes(request, user)


def renew_recovery_codes(request, user) -> list[str]:
    codes = recovery_codes.generate(user)
    audit.record(Event.RECOVERY_CODES_CREATED, request=request, organisation=user.organisation,
                 actor=user, subject=user)
    # Kept for the download link for a short while; shown once.
    request.session[CODES_KEY] = {"codes": codes, "at": clock.timestamp()}
    return codes


def shown_codes(session) -> list[str]:
    held = session.get(CODES_KEY)
    if isinstance(held, dict) and clock.timestamp() - held.get("at", 0) < _SETUP_SECONDS:
        return list(held.get("codes", []))
    return []


def tell(request, user, *, kind_added: str = "", kind_removed: str = "") -> None:
    """Every change to a second step is mailed to its owner."""
    from django.utils import translation

    language = user.language or getattr(request, "LANGUAGE_CODE", "")
    with translation.override(language or None):
        change = _describe(kind_added, kind_removed)
    outbox.queue("second_step_changed", user.email, {"user": user, "change": change, "when": clock.now()},
                 organisation=user.organisation, language=language)


def _describe(kind_added: str, kind_removed: str) -> str:
    from django.utils.translation import gettext as _

    names = {Kind.TOTP: _("authenticator app"), Kind.EMAIL: _("code by e-mail"), Kind.PASSKEY: _("passkey"),
             "recovery": _("recovery codes")}
    if kind_added:
        change = _("%(method)s added") % {"method": names.get(kind_added, kind_added)}
    else:
        change = _("%(method)s removed") % {"method": names.get(kind_removed, kind_removed)}
    return change
