"""`poortwachter worker`: delivers the outbox and the apps' back-channel logouts until
stopped, and prunes the audit log, counters and spent app tokens once an hour. `serve` starts one beside the web workers; more may run on other machines (each
message is claimed by one; pruning twice does no harm)."""

import logging
import signal
import time
from datetime import datetime, timedelta

from django.db import close_old_connections, connection

from poortwachter import clock
from poortwachter.mail import delivery
from poortwachter.oidc import backchannel
from poortwachter.security import audit_log, counters

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(hours=1)


def prune_audit(last_pruned: datetime | None) -> datetime:
    """Hourly housekeeping: audit events past their retention and expired failure counters
    (the database backend keeps a row per name and address). Returns the time it last ran."""
    now = clock.now()
    if last_pruned is not None and now - last_pruned < PRUNE_EVERY:
        return last_pruned
    from poortwachter.oidc import housekeeping

    for name, prune in (("audit log", lambda: audit_log.prune(now)), ("counters", counters.prune),
                        ("app tokens", housekeeping.prune)):
        try:
            prune()
        except Exception:  # like delivery: a failed round must not stop the worker
            log.exception("pruning the %s failed", name)
    return now


def run(poll_seconds: float = 1.0, once: bool = False) -> None:
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    last_pruned = None
    while not stopping:
        if not connection.in_atomic_block:  # never drop a connection in the middle of a transaction
            close_old_connections()  # a database restart or a stale connection heals here
        last_pruned = prune_audit(last_pruned)
        delivered = 0
        # E-mail, then back-channel logouts to apps: both wait in tables until delivered.
        for name, deliver in (("outbox", delivery.deliver_due), ("back-channel logout", backchannel.deliver_due)):
            try:
                delivered += deliver()
            except Exception:  # the database may be briefly away; keep the worker alive
                log.exception("%s delivery round failed", name)
        if once:
            return
        if not delivered:
            time.sleep(poll_seconds)
