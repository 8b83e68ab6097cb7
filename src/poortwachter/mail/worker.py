"""`poortwachter worker`: delivers the outbox until stopped. `serve` starts one beside the
web workers; more may run on other machines (each message is claimed by one)."""

import logging
import signal
import time

from django.db import close_old_connections

from poortwachter.mail import delivery

log = logging.getLogger(__name__)


def run(poll_seconds: float = 1.0, once: bool = False) -> None:
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while not stopping:
        close_old_connections()
        try:
            delivered = delivery.deliver_due()
        except Exception:  # the database may be briefly away; keep the worker alive
            log.exception("outbox delivery round failed")
            delivered = 0
        if once:
            return
        if not delivered:
            time.sleep(poll_seconds)
