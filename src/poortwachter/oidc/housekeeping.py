"""Clearing away what can no longer be used: codes never redeemed (grants that issued
nothing) a day after they expired, Token rows a day after they can no longer be used,
grants with no Token rows left that were revoked, or whose chain of tokens ended, more than
a day ago, and delivered (or given-up) back-channel logouts after a week. `poortwachter pruneoidc` runs it; the worker may call
`prune()` hourly."""

from datetime import timedelta

from django.db.models import Q

from poortwachter import clock
from poortwachter.oidc.models import Grant, LogoutDelivery, Token

GRACE = timedelta(days=1)
LOGOUTS_KEPT = timedelta(days=7)


def prune() -> dict:
    before = clock.now() - GRACE
    counts = {"codes": Grant.objects.filter(issued_at__isnull=True, code_expires_at__lt=before).delete()[0]}
    dead = (Q(access_expires_at__lt=before) & (Q(refresh_hash__isnull=True) | Q(refresh_expires_at__lt=before)
                                                | Q(rotated_at__lt=before)))
    counts["tokens"] = Token.objects.filter(dead | Q(grant__revoked_at__lt=before)).delete()[0]
    ended = Q(revoked_at__lt=before) | Q(generation__gt=0, refresh_expires_at__lt=before)
    counts["grants"] = Grant.objects.filter(ended, tokens__isnull=True).delete()[0]
    done = clock.now() - LOGOUTS_KEPT
    counts["logouts"] = LogoutDelivery.objects.filter(Q(delivered_at__lt=done) | Q(failed_at__lt=done)).delete()[0]
    return counts
