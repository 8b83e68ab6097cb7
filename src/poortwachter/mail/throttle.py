"""How much mail may go out, so nobody can mail-bomb an address or flood through one
organisation: counters per recipient address and per organisation for each hour, in the
shared cache. The caller answers the same whether or not a mail was sent."""

from django.conf import settings
from django.core.cache import cache

from poortwachter import clock
from poortwachter.accounts import identity

WINDOW_SECONDS = 3600


def _count(key: str) -> int:
    cache.add(key, 0, WINDOW_SECONDS + 60)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS + 60)
        return 1


def allow(recipient: str, organisation=None) -> bool:
    window = clock.timestamp() // WINDOW_SECONDS
    if _count(f"mail:to:{identity.key(recipient)}:{window}") > settings.MAIL_PER_RECIPIENT_HOUR:
        return False
    if organisation is not None:
        if _count(f"mail:org:{organisation.id}:{window}") > settings.MAIL_PER_ORGANISATION_HOUR:
            return False
    return True
