"""Recovery codes: ten single-use codes shown once when a second step is set up (and
downloadable as text), for when the phone or key is lost. Only keyed hashes are stored;
using one tells the owner by e-mail."""

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from poortwachter import clock
from poortwachter.mail import outbox
from poortwachter.methods.models import RecoveryCode

AMR = "otp"  # a one-time code the person holds (RFC 8176 has no closer value)
COUNT = 10
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
_SEPARATORS = re.compile(r"[\s\-]")


def _digest(user, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"recovery:{user.pk}:{code}".encode(), hashlib.sha256).hexdigest()


def _normalise(typed: str) -> str:
    return _SEPARATORS.sub("", (typed or "")[:64]).lower()


@transaction.atomic
def generate(user) -> list[str]:
    """Ten new codes (about 50 bits each); the older ones stop working."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(10)) for _ in range(COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(user, c)) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def remaining(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at=None).count()


def use(user, typed: str, language: str = "") -> bool:
    """True once per code; the owner gets an e-mail saying a code was used."""
    code = _normalise(typed)
    if len(code) != 10:
        return False
    used = RecoveryCode.objects.filter(user=user, digest=_digest(user, code), used_at=None).update(used_at=clock.now())
    if used:
        settings_link = outbox.public_link(reverse("personal:second_step", kwargs={"organisation_slug": user.organisation.slug}))
        outbox.queue("recovery_code_used", user.email, {"user": user, "left": remaining(user), "when": clock.now(),
                                                        "settings_link": settings_link},
                     organisation=user.organisation, language=user.language or language)
    return bool(used)


def as_text(user, codes: list[str]) -> str:
    """The download: one code per line, with what they are for."""
    header = f"{user.organisation.name} — {user.email}\n"
    return header + "\n".join(codes) + "\n"
