"""The audit log viewer and its exports: filters, CSV and JSON lines, only this organisation."""

import csv
import io
import json
from datetime import timedelta

import pytest

from poortwachter.security import audit
from poortwachter.security.audit import AuditEvent, Event
from tests import factories
from tests.console.conftest import base

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(org, other_org, admin):
    person = factories.user(org, username="jan")
    audit.record(Event.SIGNIN_FAILED, organisation=org, subject=person, reason="wrong_password")
    audit.record(Event.USER_BLOCKED, organisation=org, actor=admin, subject=person, reason="=HYPERLINK(1)")
    stranger = factories.user(other_org, username="jan")
    audit.record(Event.SIGNIN_FAILED, organisation=other_org, subject=stranger, reason="van-b")
    return person


def test_viewer_shows_this_organisations_events_only(console, org, events):
    page = console.get(base(org) + "audit/").content.decode()
    assert "wrong_password" in page and "van-b" not in page


def test_filters_by_user_and_type(console, org, events):
    page = console.get(base(org) + "audit/", {"user": "jan", "type": "user.*"})
    assert [e.type for e in page.context["events"]] == ["user.blocked"]


def test_filter_by_period(console, org, events, clock):
    # Two days ahead: "tomorrow" in UTC can be today in the local time the filter uses.
    tomorrow = (clock.now() + timedelta(days=2)).date().isoformat()
    page = console.get(base(org) + "audit/", {"since": tomorrow}).content.decode()
    assert "wrong_password" not in page


@pytest.mark.parametrize("query", [{"user": "niemand"}, {"type": "bestaat.niet"}, {"since": "gisteren"},
                                   {"since": "2026-02-01", "until": "2026-01-01"}])
def test_bad_filters_get_a_message(console, org, events, query):
    response = console.get(base(org) + "audit/", query)
    assert response.status_code == 400 and not response.context["form"].is_valid()


def test_user_of_another_organisation_is_unknown_here(console, org, other_org, events):
    factories.user(other_org, username="alleeninb")
    assert console.get(base(org) + "audit/", {"user": "alleeninb"}).status_code == 400


def test_export_jsonl(console, org, admin, events):
    response = console.get(base(org) + "audit/export.jsonl", {"user": "jan"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert {line["type"] for line in lines} == {"signin.failed", "user.blocked"}
    assert all(line["organisation"] == org.slug for line in lines)
    assert AuditEvent.objects.filter(type="audit.exported", actor=admin, reason="jsonl").exists()


def test_export_csv_defuses_formulas(console, org, events):
    response = console.get(base(org) + "audit/export.csv", {"type": "user.blocked"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 1 and rows[0]["reason"] == "'=HYPERLINK(1)"


def test_unknown_export_kind_is_refused(console, org):
    assert console.get(base(org) + "audit/export.xml").status_code == 400


def test_older_pages(console, org, admin, monkeypatch):
    from poortwachter.console.views import audit as audit_views

    monkeypatch.setattr(audit_views, "PAGE_SIZE", 2)
    for n in range(5):
        audit.record(Event.SIGNIN_FAILED, organisation=org, reason=f"poging{n}")
    first = console.get(base(org) + "audit/", {"type": "signin.failed"})
    assert "poging4" in first.content.decode() and first.context["older"]
    second = console.get(base(org) + "audit/", {"type": "signin.failed", "before": first.context["older"]})
    assert "poging2" in second.content.decode() and "poging4" not in second.content.decode()
