"""An organisation's branding on its login pages and e-mails: display name, logo, accent
colour. Pages read it through `for_organisation`, which each process keeps for two seconds
(like tenants.lookup), so a login page costs no extra query most of the time.

The accent colour is one of `ACCENTS`: each keeps white text on it readable (contrast at
least 4.5:1, WCAG AA), and each is a class in our own stylesheet
(static/console-branding.css), so the Content Security Policy needs no inline styles."""

import base64
import hashlib
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _, gettext_lazy

from poortwachter import clock
from poortwachter.console.models import Branding
from poortwachter.security import audit
from poortwachter.security.audit import Event

ACCENTS = {
    "blue": ("#1f5f8b", gettext_lazy("Blue")),
    "navy": ("#1d3a6e", gettext_lazy("Dark blue")),
    "teal": ("#0f6b6b", gettext_lazy("Teal")),
    "green": ("#2b6a2f", gettext_lazy("Green")),
    "purple": ("#5b3a8c", gettext_lazy("Purple")),
    "magenta": ("#9c2b6b", gettext_lazy("Magenta")),
    "red": ("#a4262c", gettext_lazy("Red")),
    "orange": ("#a34700", gettext_lazy("Orange")),
    "grey": ("#4a4a4a", gettext_lazy("Grey")),
}
DEFAULT_ACCENT = "blue"
LOGO_MAX_BYTES = 64 * 1024
# Raster images only, recognised by their first bytes (an SVG can carry script).
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF87a": "image/gif",
              b"GIF89a": "image/gif"}
TTL_SECONDS = 2.0
_found: dict[tuple, tuple[float, "Look"]] = {}


class Look:
    """What a page or e-mail needs: no database object, safe to keep per process."""

    def __init__(self, organisation, branding: Branding | None):
        self.display_name = (branding.display_name if branding else "") or organisation.name
        self.accent = (branding.accent if branding else "") or DEFAULT_ACCENT
        self.accent_hex = ACCENTS.get(self.accent, ACCENTS[DEFAULT_ACCENT])[0]
        self.custom_accent = self.accent != DEFAULT_ACCENT
        logo = bytes(branding.logo) if branding and branding.logo else b""
        self.logo_src = f"data:{branding.logo_type};base64,{base64.b64encode(logo).decode()}" if logo else ""
        # Our stylesheet for accents and the logo: only pages that need it load it.
        self.stylesheet = self.custom_accent or bool(self.logo_src)
        # What a memoised page frame ({% memo %}) must change with: all of the above.
        self.key = hashlib.sha256(f"{self.display_name}\0{self.accent}\0{self.logo_src}".encode()).hexdigest()[:32]


def for_organisation(organisation) -> Look:
    # The name is part of the look, and an id alone could be a deleted organisation's.
    key, now = (organisation.id, organisation.created_at, organisation.name), time.monotonic()
    hit = _found.get(key)
    if hit is None or now - hit[0] > TTL_SECONDS:
        if len(_found) > 10_000:
            _found.clear()
        hit = _found[key] = (now, Look(organisation, Branding.objects.filter(organisation=organisation).first()))
    return hit[1]


def _forget(**kwargs) -> None:
    _found.clear()


post_save.connect(_forget, sender=Branding, dispatch_uid="console.branding.save")
post_delete.connect(_forget, sender=Branding, dispatch_uid="console.branding.delete")


def logo_type(data: bytes) -> str:
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo is too large: at most 64 KB."))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for magic, kind in LOGO_TYPES.items():
        if data.startswith(magic):
            return kind
    raise ValidationError(_("The logo must be a PNG, JPEG, GIF or WebP image."))


@transaction.atomic
def save(request, *, display_name: str, accent: str, logo: bytes | None, remove_logo: bool) -> list[str]:
    """Store the branding; returns the names of what changed (audited)."""
    branding = Branding.objects.select_for_update().filter(organisation=request.organisation).first() \
        or Branding(organisation=request.organisation)
    changed = []
    if branding.display_name != display_name:
        branding.display_name, changed = display_name, changed + ["display_name"]
    if branding.accent != accent:
        branding.accent, changed = accent, changed + ["accent"]
    if logo:
        branding.logo, branding.logo_type, changed = logo, logo_type(logo), changed + ["logo"]
    elif remove_logo and branding.logo:
        branding.logo, branding.logo_type, changed = None, "", changed + ["logo"]
    if changed:
        branding.changed_at = clock.now()
        branding.save()
        audit.record(Event.BRANDING_CHANGED, request=request, actor=request.user, reason=",".join(changed))
    return changed
