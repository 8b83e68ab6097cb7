"""The organisation's audit log: newest first, filtered by user, event type and period,
in keyset pages; exported with the same filters as CSV or JSON lines (streamed, so a
large log never sits in memory). Only this organisation's events, ever."""

import csv
import json
from datetime import timezone

from django import forms
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _, gettext_lazy

from poortwachter import clock
from poortwachter.accounts import services
from poortwachter.console.views.common import console_page
from poortwachter.security import audit, audit_log
from poortwachter.security.audit import Event
from poortwachter.signin.forms import TOO_LONG

PAGE_SIZE = 50


def _type_choices():
    families = sorted({value.split(".")[0] + ".*" for value in Event.values if "." in value})
    return [("", gettext_lazy("any"))] + [(f, f) for f in families] + [(v, v) for v in sorted(Event.values)]


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("User (username or e-mail address)"), required=False,
                           max_length=254, error_messages=TOO_LONG)
    type = forms.ChoiceField(label=gettext_lazy("Event"), required=False, choices=_type_choices)
    since = forms.CharField(label=gettext_lazy("From (YYYY-MM-DD)"), required=False, max_length=40,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.CharField(label=gettext_lazy("Up to and including (YYYY-MM-DD)"), required=False,
                            max_length=40, widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_user(self):
        typed = self.cleaned_data["user"].strip()
        if not typed:
            return None
        found = services.find_by_identifier(self.organisation, typed)
        if found is None:
            raise ValidationError(_("This organisation has no user with that e-mail address or username."))
        return found

    def clean(self):
        data = super().clean()
        try:
            data["range"] = audit_log.time_range(data.get("since") or None, data.get("until") or None)
        except ValidationError as error:
            self.add_error(None, error)
        return data

    def events(self):
        data = self.cleaned_data
        since, until = data["range"]
        types = audit_log.event_types([data["type"]]) if data.get("type") else None
        return audit_log.query(self.organisation, user=data.get("user"), types=types, since=since, until=until)


def _form(request):
    return AuditFilterForm(request.GET, organisation=request.organisation)


@console_page()
def audit_page(request):
    form = _form(request)
    events, older = [], None
    if form.is_valid():
        query = form.events().select_related("actor", "subject").order_by("-id")
        if form.cleaned_data.get("before"):
            query = query.filter(id__lt=form.cleaned_data["before"])
        events = list(query[:PAGE_SIZE + 1])
        if len(events) > PAGE_SIZE:
            events, older = events[:PAGE_SIZE], events[PAGE_SIZE - 1].id
    params = request.GET.copy()
    for key in ("before", "lang"):
        params.pop(key, None)
    return render(request, "console/audit.html", {"form": form, "events": events, "older": older,
                                                  "query": params.urlencode()},
                  status=200 if form.is_valid() else 400)


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell that starts like a formula; a user agent is typed by anyone.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


def _rows(queryset):
    for row in queryset.values(*audit_log.EXPORTED.values()).iterator(chunk_size=2000):
        line = {key: row[column] for key, column in audit_log.EXPORTED.items()}
        line["at"] = line["at"].astimezone(timezone.utc).isoformat(timespec="microseconds")
        yield line


def _csv(queryset):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(list(audit_log.EXPORTED))  # the BOM: Excel reads UTF-8
    for line in _rows(queryset):
        yield writer.writerow([_csv_cell(v) for v in line.values()])


def _jsonl(queryset):
    for line in _rows(queryset):
        yield json.dumps(line, ensure_ascii=True) + "\n"


EXPORTS = {"csv": (_csv, "text/csv; charset=utf-8"), "jsonl": (_jsonl, "application/jsonl; charset=utf-8")}


@console_page()
def audit_export(request, kind):
    form = _form(request)
    if kind not in EXPORTS or not form.is_valid():
        return render(request, "console/audit.html", {"form": form, "events": []}, status=400)
    audit.record(Event.AUDIT_EXPORTED, request=request, actor=request.user, reason=kind)
    produce, content_type = EXPORTS[kind]
    response = StreamingHttpResponse(produce(form.events()), content_type=content_type)
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{request.organisation.slug}-{stamp}.{kind}"'
    return response
