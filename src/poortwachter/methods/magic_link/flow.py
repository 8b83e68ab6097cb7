"""The magic link from request to session.

    ask (page)       -> a nonce in this browser's session; a mail request with its hash
    send_link (worker) -> for an active user: a MAGIC_LINK token bound to that hash; the mail
    look (GET)       -> what the link is, without using it (mail scanners fetch links)
    use (POST)       -> same browser? redeem once -> refusals -> signin.flow.finish
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.urls import reverse

from poortwachter.accounts import services, tokens
from poortwachter.accounts.models import UserStatus
from poortwachter.accounts.tokens import Purpose
from poortwachter.mail import outbox, requests, throttle
from poortwachter.methods.magic_link import AMR
from poortwachter.security import audit
from poortwachter.security.audit import Event
from poortwachter.signin import flow as signin
from poortwachter.signin.next_url import safe_next

SESSION_KEY = "magic_link"  # {"nonce": ..., "next": ...}: small, JSON


class LinkState(StrEnum):
    READY = "ready"
    OTHER_BROWSER = "other_browser"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"
    REFUSED = "refused"  # proven, but the organisation or the account is blocked


def browser_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def ask(request, organisation, identifier: str, next_url: str = "") -> None:
    """Bind the coming link to this browser and record the request (the same single insert
    whether or not the account exists)."""
    nonce = secrets.token_urlsafe(32)
    request.session[SESSION_KEY] = {"nonce": nonce, "next": safe_next(next_url, organisation) or ""}
    requests.record("magic_link", identifier, request=request, organisation=organisation,
                    data={"browser": browser_hash(nonce)})


def send_link(mail_request) -> None:
    """Worker: mail a link to an active user of an organisation that allows magic links."""
    organisation = mail_request.organisation
    policy = organisation.policy
    browser = mail_request.data.get("browser")
    if not policy.allow_magic_link or not browser:
        return
    user = services.find_by_identifier(organisation, mail_request.value)
    if user is None or user.status != UserStatus.ACTIVE:
        return
    if not throttle.allow(user.email, organisation):
        return
    raw = tokens.issue(user, Purpose.MAGIC_LINK, timedelta(minutes=policy.magic_link_minutes),
                       data={"browser": browser})
    path = reverse("magic_link:open", kwargs={"organisation_slug": organisation.slug, "token": raw})
    outbox.queue("magic_link", user.email,
                 {"name": user.display_name, "link": outbox.public_link(path),
                  "minutes": policy.magic_link_minutes},
                 organisation=organisation, language=user.language or mail_request.language)
    audit.record(Event.MAGIC_LINK_SENT, organisation=organisation, subject=user, source=mail_request.source)


def _same_browser(request, token) -> bool:
    held = request.session.get(SESSION_KEY)
    nonce = held.get("nonce") if isinstance(held, dict) else None
    expected = token.data.get("browser") if isinstance(token.data, dict) else None
    if not isinstance(nonce, str) or not isinstance(expected, str):
        return False
    return hmac.compare_digest(browser_hash(nonce), expected)


def _inspect(request, organisation, raw: str):
    checked = tokens.check(raw, Purpose.MAGIC_LINK, organisation)
    if checked.state != tokens.State.VALID:
        return LinkState(checked.state.value), checked.token
    ready = _same_browser(request, checked.token)
    return (LinkState.READY if ready else LinkState.OTHER_BROWSER), checked.token


def look(request, organisation, raw: str) -> LinkState:
    """What opening the link would do, without using it."""
    return _inspect(request, organisation, raw)[0]


@dataclass
class Used:
    go_to: str | None = None
    state: LinkState | None = None
    message: str = ""


def use(request, organisation, raw: str) -> Used:
    """The confirmation button: use the link once and sign in (through the steps)."""
    state, token = _inspect(request, organisation, raw)
    if state != LinkState.READY:
        audit.record(Event.SIGNIN_FAILED, request=request, subject=token.user if token else None,
                     reason=f"magic_link_{state}")
        return Used(state=state)
    checked = tokens.redeem(raw, Purpose.MAGIC_LINK, organisation)
    if checked.state != tokens.State.VALID:  # another click won the race
        return Used(state=LinkState.USED)
    user = checked.token.user
    barrier = signin.refusal(user)
    if barrier is not None:
        reason, message = barrier
        audit.record(Event.SIGNIN_REFUSED, request=request, subject=user, reason=reason)
        return Used(state=LinkState.REFUSED, message=message)
    held = request.session.pop(SESSION_KEY, None) or {}
    return Used(go_to=signin.finish(request, user, amr=[AMR], next_url=held.get("next", "")).go_to)

