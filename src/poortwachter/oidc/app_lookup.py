"""Finding an app by its client_id, which every token request does first. Like the
organisation lookup (tenants/lookup.py) each process keeps what it found for two seconds:
a change saved in this process is seen at once, other processes see it (a new secret, a
deleted app) within the TTL."""

import threading
import time

from django.db.models.signals import post_delete, post_save

from poortwachter.oidc.models import App
from poortwachter.system import sql

TTL_SECONDS = 2.0
_lock = threading.Lock()
_found: dict[tuple, tuple[float, App]] = {}


def by_client_id(organisation, client_id: str) -> App | None:
    if not client_id or len(client_id) > 100:
        return None
    key = (organisation.id, organisation.created_at.timestamp(), client_id)
    now = time.monotonic()
    with _lock:
        hit = _found.get(key)
    if hit is None or now - hit[0] > TTL_SECONDS:
        app = App.objects.filter(organisation=organisation, client_id=client_id).first()
        if app is None:
            return None  # unknown ids are not remembered: they cannot fill the memory
        with _lock:
            if len(_found) > 10_000:
                _found.clear()
            hit = _found[key] = (now, app)
    return sql.copy_of(hit[1])  # each request its own: what one changes stays with it


def forget(**kwargs) -> None:
    with _lock:
        _found.clear()


post_save.connect(forget, sender=App, dispatch_uid="oidc.app_lookup.save")
post_delete.connect(forget, sender=App, dispatch_uid="oidc.app_lookup.delete")
