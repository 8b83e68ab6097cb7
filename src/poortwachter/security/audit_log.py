"""Reading the audit log back: finding events (by organisation, user, type and time
range), exporting them as JSON lines, and pruning what is older than the retention
period. Writing events is `security.audit.record`."""

import json
from datetime import datetime, time, timedelta, timezone

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _

from poortwachter import clock
from poortwachter.security.audit import AuditEvent, Event

# Pruning deletes in batches, so the write lock (SQLite) is never held for long while
# sign-ins are writing their own events.
PRUNE_BATCH = 5000

# One exported line: its key -> the column it comes from.
EXPORTED = {
    "id": "id",
    "at": "at",
    "organisation": "organisation__slug",
    "type": "type",
    "actor_id": "actor_id",
    "actor_username": "actor__username",
    "subject_id": "subject_id",
    "subject_username": "subject__username",
    "subject_label": "subject_label",
    "reason": "reason",
    "source": "source",
    "user_agent": "user_agent",
}


def query(organisation=None, user=None, types=None, since: datetime | None = None,
          until: datetime | None = None):
    """Events oldest first. `user` matches events by them or about them; `since` is
    inclusive, `until` exclusive."""
    events = AuditEvent.objects.all()
    if organisation is not None:
        events = events.filter(organisation=organisation)
    if user is not None:
        events = events.filter(Q(subject=user) | Q(actor=user))
    if types:
        events = events.filter(type__in=list(types))
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events.order_by("at", "id")


def export_jsonl(queryset, stream) -> int:
    """Write one JSON object a line (times in UTC, ISO 8601); returns the number of lines.
    ASCII-only JSON, so any terminal or file encoding can take it, and a user agent with
    a line break in it still stays on its own line."""
    written = 0
    rows = queryset.values(*EXPORTED.values()).iterator(chunk_size=2000)
    for row in rows:
        line = {key: row[column] for key, column in EXPORTED.items()}
        line["at"] = line["at"].astimezone(timezone.utc).isoformat(timespec="microseconds")
        stream.write(json.dumps(line, ensure_ascii=True) + "\n")
        written += 1
    return written


def retention_days() -> int:
    """Days an event is kept; 0 or less keeps events for ever."""
    return int(getattr(settings, "AUDIT_RETENTION_DAYS", 365))


def prune(now: datetime | None = None) -> int:
    """Delete events older than the retention period; returns how many."""
    days = retention_days()
    if days <= 0:
        return 0
    cutoff = (now or clock.now()) - timedelta(days=days)
    deleted = 0
    while True:
        batch = list(AuditEvent.objects.filter(at__lt=cutoff).values_list("pk", flat=True)[:PRUNE_BATCH])
        if not batch:
            return deleted
        deleted += AuditEvent.objects.filter(pk__in=batch).delete()[0]


def _families() -> list[str]:
    """`signin.*`, `account.*`, ...: short enough for one line, whatever events are added."""
    return list(dict.fromkeys(t.split(".")[0] + (".*" if "." in t else "") for t in Event.values))


def event_types(names: list[str]) -> list[str]:
    """The event types named (`signin.failed`, or a family: `signin.*`); unknown names
    are refused with the list of known ones."""
    chosen = []
    for name in (part.strip() for value in names for part in value.split(",")):
        matching = [t for t in Event.values if t == name or (name.endswith(".*") and t.startswith(name[:-1]))]
        if not matching:
            raise ValidationError(_("Unknown event type “%(type)s”; choose from: %(types)s.")
                                  % {"type": _shown(name), "types": ", ".join(_families())})
        chosen += [t for t in matching if t not in chosen]
    return chosen


def moment(value: str, *, end: bool = False) -> datetime:
    """A date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM) in the configured time zone,
    unless it names its own offset. A bare date as the `end` of a range includes that day."""
    text = (value or "").strip()
    try:
        parsed = datetime.fromisoformat(text) if len(text) <= 40 else None
    except ValueError:
        parsed = None
    if parsed is None or len(text) < 10:
        raise ValidationError(_("“%(value)s” is not a date (YYYY-MM-DD) or a date and time "
                                "(YYYY-MM-DDTHH:MM).") % {"value": _shown(text)})
    if len(text) == 10 and end:  # a bare date: up to the end of that day
        parsed = datetime.combine(parsed.date() + timedelta(days=1), time())
    if django_timezone.is_naive(parsed):
        parsed = django_timezone.make_aware(parsed, django_timezone.get_default_timezone())
    return parsed


def time_range(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    start = moment(since) if since else None
    stop = moment(until, end=True) if until else None
    if start is not None and stop is not None and start >= stop:
        raise ValidationError(_("The start of the period (%(since)s) is not before its end (%(until)s).")
                              % {"since": _shown(since), "until": _shown(until)})
    return start, stop


def _shown(value: str) -> str:
    """Typed input quoted in a one-line message: short, without control characters."""
    text = "".join(c if c.isprintable() else "?" for c in value)
    return text if len(text) <= 40 else text[:40] + "…"
