"""Puts the signed-in user on `request.user` — only for the organisation whose pages are
being visited, only while the account and organisation still let them in, and only within
the organisation's idle and absolute session limits. Replaces Django's
AuthenticationMiddleware (same lazy loading)."""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AnonymousUser
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from poortwachter import clock
from poortwachter.accounts import signals
from poortwachter.accounts.models import User, UserStatus
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.tenants import status as organisation_status

# Remember activity at most once a minute, so a signed-in page does not write every time.
SEEN_RESOLUTION_SECONDS = 60


def _end(request, user, event: Event, reason: str):
    audit.record(event, request=request, subject=user, reason=reason)
    key = request.session.session_key
    request.session.flush()
    request.session_ended = reason
    signals.session_ended.send(sender=None, user=user, session_key=key, reason=reason)
    return AnonymousUser()


def _owner(request):
    """django.contrib.auth.get_user, with the user row the session store read along with
    the session (signin.sessions) instead of a second query. The session is still checked
    against the password hash, so a password change ends it."""
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    if user_id is None or session.get(auth.BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    owner = getattr(session, "owner", None)
    if owner is None or str(owner.pk) != str(user_id):
        return auth.get_user(request)  # not read with the session (another engine): the usual way
    held_hash = session.get(auth.HASH_SESSION_KEY) or ""
    current = owner.get_session_auth_hash()
    if held_hash and constant_time_compare(held_hash, current):
        return owner
    if held_hash and any(constant_time_compare(held_hash, h) for h in owner.get_session_auth_fallback_hash()):
        session.cycle_key()  # signed with an older secret key: move to the current one
        session[auth.HASH_SESSION_KEY] = current
        return owner
    session.flush()
    return AnonymousUser()


def signed_in_user(request):
    organisation = getattr(request, "organisation", None)
    session = request.session
    if organisation is None or session.get("org") != organisation.id:
        return AnonymousUser()
    held = session.get(auth.SESSION_KEY)
    user = _owner(request)  # also ends the session if the password changed
    if not user.is_authenticated:
        if held is not None:  # the session named someone; auth ended it (password changed, deleted)
            gone = User.objects.filter(pk=held).first()
            audit.record(Event.SESSION_EXPIRED, request=request, subject=gone,
                         subject_label=f"user {held}"[:254], reason="password_changed" if gone else "user_deleted")
            request.session_ended = "password_changed"
        return AnonymousUser()
    if user.organisation_id != organisation.id:
        return AnonymousUser()
    if user.status != UserStatus.ACTIVE:
        return _end(request, user, Event.SESSION_EXPIRED, "user_" + user.status)
    if organisation_status.refusal(organisation):
        return _end(request, user, Event.SESSION_EXPIRED, "organisation_" + organisation.status)
    policy, now = organisation.policy, clock.timestamp()
    if now - session.get("seen_at", 0) > policy.idle_minutes * 60:
        return _end(request, user, Event.SESSION_EXPIRED, "idle")
    if now - session.get("signed_in_at", 0) > policy.absolute_days * 86400:
        return _end(request, user, Event.SESSION_EXPIRED, "absolute")
    if now - session["seen_at"] >= SEEN_RESOLUTION_SECONDS:
        session["seen_at"] = now
    # The organisation the middleware found is the user's (checked above): cached on the
    # user as the ORM's descriptor would, without its checks on every signed-in request.
    user._state.fields_cache["organisation"] = organisation
    return user


class SignedInUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.session_ended = None
        request.user = SimpleLazyObject(lambda: signed_in_user(request))
        return self.get_response(request)
