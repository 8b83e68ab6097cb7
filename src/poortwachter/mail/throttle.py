"""How much mail may go out, so nobody can mail-bomb an address or flood through one
organisation: counters per recipient address and per organisation for each hour, in the
shared counters (atomic, like the sign-in counters). The caller answers the same whether
or not a mail was sent."""

from django.conf import settings

from poortwachter import clock
from poortwachter.accounts import identity
from poortwachter.security import counters

WINDOW_SECONDS = 3600


def _count(key: str) -> int:
    return counters.incr(key, WINDOW_SECONDS + 60)


def allow(recipient: str, organisation=None) -> bool:
    window = clock.timestamp() // WINDOW_SECONDS
    if _count(f"mail:to:{identity.key(recipient)}:{window}") > settings.MAIL_PER_RECIPIENT_HOUR:
        return False
    if organisation is not None:
        if _count(f"mail:org:{organisation.id}:{window}") > settings.MAIL_PER_ORGANISATION_HOUR:
            return False
    return True
