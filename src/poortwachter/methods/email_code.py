"""Second step: a code by e-mail like AB-123456 (q1000). The two letters are shown on the
page ("enter the code that starts with AB") so the person picks the right e-mail. A code is
valid for the policy's minutes (1 hour), works once and dies after the policy's number of
wrong tries (5); a new code ends the older ones. It proves only that the person can read the
mailbox, so its AMR value is "email", never a factor of its own kind."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.db.models import F

from poortwachter import clock
from poortwachter.mail import outbox, throttle
from poortwachter.methods.models import EmailCode

AMR = "email"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I and O: they read as 1 and 0
RESEND_AFTER_SECONDS = 60
_TYPED = re.compile(r"^(?:([A-Z]{2}))?(\d{6})$")


class Result(Enum):
    OK = "ok"
    WRONG = "wrong"  # a try was used
    DEAD = "dead"  # no live code: expired, used, or too many wrong tries
    MALFORMED = "malformed"  # not a code at all: nothing counted


def _digest(user, letters: str, digits: str) -> str:
    message = f"email-code:{user.pk}:{letters}{digits}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def live(user) -> EmailCode | None:
    return (EmailCode.objects.filter(user=user, used_at=None, tries_left__gt=0, expires_at__gt=clock.now())
            .order_by("-created_at").first())


def may_send(user) -> bool:
    """A new code at most once a minute, and within the mail throttle's hourly limit per
    address (mail.throttle), so nobody can mail-bomb through this page."""
    last = EmailCode.objects.filter(user=user).order_by("-created_at").values_list("created_at", flat=True).first()
    if last is not None and (clock.now() - last).total_seconds() < RESEND_AFTER_SECONDS:
        return False
    return throttle.allow(user.email, user.organisation)


def send(user, language: str = "") -> EmailCode:
    """A new code by e-mail; every older code of the user dies."""
    policy = user.organisation.policy
    EmailCode.objects.filter(user=user, used_at=None).delete()
    letters = "".join(secrets.choice(LETTERS) for _ in range(2))
    digits = f"{secrets.randbelow(10 ** 6):06d}"
    code = EmailCode.objects.create(user=user, letters=letters, digest=_digest(user, letters, digits),
                                    expires_at=clock.now() + timedelta(minutes=policy.email_code_minutes),
                                    tries_left=policy.email_code_tries)
    outbox.queue("email_code", user.email, {"user": user, "code": f"{letters}-{digits}",
                                            "minutes": policy.email_code_minutes},
                 organisation=user.organisation, language=user.language or language)
    return code


def normalise(typed: str) -> tuple[str, str] | None:
    """(letters or "", digits) from what a person typed: case, spaces and the dash do not
    matter and the letters may be left out."""
    text = re.sub(r"[\s\-–.]", "", (typed or "")[:64]).upper()
    match = _TYPED.match(text) if text.isascii() else None
    return (match.group(1) or "", match.group(2)) if match else None


def verify(user, typed: str) -> Result:
    parts = normalise(typed)
    if parts is None:
        return Result.MALFORMED
    code = live(user)
    if code is None:
        return Result.DEAD
    letters, digits = parts
    right = hmac.compare_digest(_digest(user, code.letters, digits), code.digest)
    if right and letters in ("", code.letters):
        used = EmailCode.objects.filter(pk=code.pk, used_at=None, tries_left__gt=0).update(used_at=clock.now())
        return Result.OK if used else Result.DEAD
    EmailCode.objects.filter(pk=code.pk, tries_left__gt=0).update(tries_left=F("tries_left") - 1)
    return Result.WRONG if live(user) is not None else Result.DEAD


@dataclass
class Shown:
    """What the page says about the code in flight."""
    letters: str
    minutes: int


def shown(user) -> Shown | None:
    code = live(user)
    return Shown(code.letters, user.organisation.policy.email_code_minutes) if code else None
