"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0) and the end of app
access when a person's access ends.

`session_ended` (sign-out, idle/absolute limit, ended from settings or the console) revokes
the grants made from that session and tells their apps; `access_revoked` (blocked,
locked out, password reset) revokes every grant of the person and tells every app.

Logout tokens are queued in a table in the same transaction and delivered right after the
commit by a short-lived thread; what fails is retried with backoff by `deliver_due`, which
the worker loop (or `poortwachter deliverlogouts`) calls. Nothing is lost when an app is
down."""

import http.client
import logging
import threading
from datetime import timedelta

from django.db import close_old_connections, connection, transaction

from poortwachter import clock
from poortwachter.oidc import claims, id_tokens
from poortwachter.oidc.models import Grant, LogoutDelivery
from poortwachter.system import outbound

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)


def session_ended(sender=None, *, user, session_key, reason="", **kwargs) -> None:
    sid = claims.session_id(session_key)
    grants = Grant.objects.filter(organisation_id=user.organisation_id, user=user, sid=sid, revoked_at__isnull=True)
    _end(user, grants, with_sid=True)


def access_revoked(sender=None, *, user, reason="", **kwargs) -> None:
    grants = Grant.objects.filter(organisation_id=user.organisation_id, user=user, revoked_at__isnull=True)
    _end(user, grants, with_sid=False)


def _end(user, grants, *, with_sid: bool) -> None:
    grants = list(grants.select_related("app", "organisation"))
    if not grants:
        return
    Grant.objects.filter(pk__in=[g.pk for g in grants]).update(revoked_at=clock.now())
    sent: set[tuple[int, str]] = set()
    queued = []
    for grant in grants:
        app, sid = grant.app, grant.sid if with_sid else ""
        if grant.issued_at is None:
            continue  # a code not yet redeemed: revoked above, the app never signed anyone in with it
        if not app.backchannel_logout_uri or (app.pk, sid) in sent:
            continue
        sent.add((app.pk, sid))
        token = id_tokens.logout_token(grant.organisation, app, sub=claims.subject(user), sid=sid or None)
        queued.append(LogoutDelivery.objects.create(organisation=grant.organisation, app=app,
                                                    uri=app.backchannel_logout_uri, logout_token=token))
    if queued:
        ids = [row.pk for row in queued]
        transaction.on_commit(lambda: _deliver_soon(ids))


def _deliver_soon(ids: list[int]) -> None:
    def run():
        try:
            deliver(LogoutDelivery.objects.filter(pk__in=ids, delivered_at__isnull=True, failed_at__isnull=True))
        except Exception:  # the worker retries; a thread must not take the request down
            log.exception("back-channel logout delivery failed")
        finally:
            connection.close()

    threading.Thread(target=run, name="backchannel-logout", daemon=True).start()


def deliver_due(limit: int = 50) -> int:
    """Deliver what is due now; returns how many were delivered."""
    if not connection.in_atomic_block:
        close_old_connections()
    now = clock.now()
    due = LogoutDelivery.objects.filter(delivered_at__isnull=True, failed_at__isnull=True,
                                        next_attempt_at__lte=now).order_by("next_attempt_at")[:limit]
    return deliver(due)


def deliver(rows) -> int:
    delivered = 0
    for row in list(rows):
        # Claim it: another worker (or the thread after the commit) may hold it already.
        claim_until = clock.now() + timedelta(seconds=TIMEOUT_SECONDS * 3)
        if not LogoutDelivery.objects.filter(pk=row.pk, next_attempt_at=row.next_attempt_at,
                                             delivered_at__isnull=True).update(next_attempt_at=claim_until):
            continue
        error = _post(row.uri, row.logout_token)
        row.attempts += 1
        if error is None:
            row.delivered_at = clock.now()
            delivered += 1
        elif row.attempts >= MAX_ATTEMPTS:
            row.failed_at = clock.now()
        else:
            row.next_attempt_at = clock.now() + min(MAX_RETRY, FIRST_RETRY * 2 ** (row.attempts - 1))
        row.last_error = (error or "")[:300]
        if error is None:
            row.next_attempt_at = claim_until
        row.save(update_fields=["attempts", "delivered_at", "failed_at", "next_attempt_at", "last_error"])
    return delivered


def _post(uri: str, token: str) -> str | None:
    """Deliver one logout token: None when the app took it, else what went wrong. Only
    public addresses are reached, and a redirect is an answer other than 200: retried, never
    followed (system/outbound)."""
    try:
        status = outbound.post_form(uri, {"logout_token": token}, TIMEOUT_SECONDS)
    except outbound.Refused as error:
        return f"refused: {error}"
    except (OSError, http.client.HTTPException, ValueError) as error:
        return f"{type(error).__name__}: {error}"
    return None if status in (200, 204) else f"HTTP {status}"
