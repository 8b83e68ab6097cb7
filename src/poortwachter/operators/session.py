"""The operator's session: the operator's id under a key of its own ("operator_id"),
never beside an organisation sign-in. Signing in as operator starts a fresh session (new
key, new CSRF token) so an organisation sign-in in the same browser ends; a session that
also holds an organisation user (signed in there later) is no operator session. The
console's limits apply: 1 hour idle, 12 hours at most."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import SESSION_KEY as USER_SESSION_KEY
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from poortwachter import clock
from poortwachter.operators.models import Operator
from poortwachter.security import audit
from poortwachter.security.audit import Event

OPERATOR_ID = "operator_id"
PASSWORD_HASH = "operator_hash"  # the session dies when the operator's password changes
SIGNED_IN_AT = "operator_signed_in_at"
SEEN_AT = "operator_seen_at"
KEYS = (OPERATOR_ID, PASSWORD_HASH, SIGNED_IN_AT, SEEN_AT)
IDLE_SECONDS = 3600
ABSOLUTE_SECONDS = 12 * 3600
SEEN_RESOLUTION_SECONDS = 60


def begin(request, operator: Operator) -> None:
    request.session.flush()  # a fresh key and nothing of an organisation sign-in
    rotate_token(request)
    now = clock.timestamp()
    request.session.update({OPERATOR_ID: operator.pk, PASSWORD_HASH: operator.get_session_auth_hash(),
                            SIGNED_IN_AT: now, SEEN_AT: now})
    operator.last_login = clock.now()
    operator.save(update_fields=["last_login"])


def end(request) -> None:
    request.session.flush()


def current(request) -> Operator | None:
    """The signed-in operator, or None; ends a session past its limits."""
    session = request.session
    operator_id = session.get(OPERATOR_ID)
    if operator_id is None:
        return None
    if USER_SESSION_KEY in session or "org" in session:
        for key in KEYS:  # an organisation sign-in took this session over
            session.pop(key, None)
        return None
    operator = Operator.objects.filter(pk=operator_id).first()
    now = clock.timestamp()
    if operator is None or not constant_time_compare(session.get(PASSWORD_HASH, ""), operator.get_session_auth_hash()):
        reason = "password_changed" if operator else "operator_deleted"
    elif now - session.get(SEEN_AT, 0) > IDLE_SECONDS:
        reason = "idle"
    elif now - session.get(SIGNED_IN_AT, 0) > ABSOLUTE_SECONDS:
        reason = "absolute"
    else:
        if now - session[SEEN_AT] >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_AT] = now
        return operator
    audit.record(Event.OPERATOR_SESSION_EXPIRED, request=request, reason=reason,
                 subject_label=f"operator:{operator.name if operator else operator_id}")
    session.flush()
    request.operator_session_ended = reason
    return None


def login_url(next_path: str = "", **extra) -> str:
    query = {k: v for k, v in {"next": next_path, **extra}.items() if v}
    url = reverse("operators:login")
    return f"{url}?{urlencode(query)}" if query else url


def safe_next(next_path: str) -> str:
    """Only pages of the operator console; anything else (other hosts, portals) is dropped."""
    prefix = reverse("operators:home")
    if next_path.startswith(prefix) and "\\" not in next_path and "//" not in next_path:
        return next_path
    return ""


def operator_required(view):
    """Pages for a signed-in operator; everyone else (an organisation's admin too) goes
    to the operator sign-in page and sees nothing."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        operator = current(request)
        if operator is None:
            next_path = request.get_full_path() if request.method == "GET" else ""
            return redirect(login_url(next_path, ended=getattr(request, "operator_session_ended", "")))
        request.operator = operator
        return view(request, *args, **kwargs)

    return wrapper
