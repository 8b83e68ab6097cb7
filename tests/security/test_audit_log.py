"""The audit log read back: query by organisation, user, type and time; JSON lines from
`poortwachter audit`; pruning after the retention period (by the worker); and the sign-in
flow leaving exactly one complete row for each thing that happens."""

import json
import os
from datetime import datetime, timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone as django_timezone

from poortwachter import cli
from poortwachter.accounts.models import UserStatus
from poortwachter.mail import worker
from poortwachter.security import audit, audit_log
from poortwachter.security.audit import AuditEvent, Event
from tests import factories
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db


def move_to(clock, when: datetime) -> None:
    """Set the fake clock to `when` (a time in the configured zone)."""
    clock.reset()
    clock.advance(when - clock.now())


def local(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=django_timezone.get_default_timezone())


def event(type=Event.SIGNIN_FAILED, organisation=None, **fields) -> AuditEvent:
    return audit.record(type, organisation=organisation, source="192.0.2.1", **fields)


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def _quiet(organisation):
    """These tests count events exactly: start without the organisation's own creation event."""
    AuditEvent.objects.filter(organisation=organisation).delete()
    return organisation


@pytest.fixture
def acme(db):
    return _quiet(factories.organisation("acme", "Acme B.V."))


@pytest.fixture
def other(db):
    return _quiet(factories.organisation("andere", "Andere B.V."))


# --- query -----------------------------------------------------------------------------

def test_query_by_organisation_shows_only_its_events(acme, other):
    mine = event(organisation=acme)
    event(organisation=other)
    event(organisation=None, type=Event.ORGANISATION_CREATED)
    assert list(audit_log.query(organisation=acme)) == [mine]
    assert audit_log.query().count() == 3


def test_query_by_user_finds_events_by_them_and_about_them(acme):
    admin, worker_bee, bystander = (factories.user(acme) for _ in range(3))
    about = event(organisation=acme, subject=worker_bee)
    by = event(Event.ACCOUNT_UNLOCKED, organisation=acme, actor=worker_bee, subject=bystander)
    event(Event.ACCOUNT_UNLOCKED, organisation=acme, actor=admin, subject=bystander)
    assert list(audit_log.query(user=worker_bee)) == [about, by]


def test_query_by_type(acme):
    failed = event(Event.SIGNIN_FAILED, organisation=acme)
    locked = event(Event.ACCOUNT_LOCKED, organisation=acme)
    event(Event.SIGNIN_SUCCEEDED, organisation=acme)
    assert list(audit_log.query(types=[Event.SIGNIN_FAILED, Event.ACCOUNT_LOCKED])) == [failed, locked]


def test_query_time_range_includes_its_start_excludes_its_end_oldest_first(acme, clock):
    first = event(organisation=acme)
    clock.advance(timedelta(hours=1))
    second = event(organisation=acme)
    clock.advance(timedelta(hours=1))
    third = event(organisation=acme)
    assert list(audit_log.query(since=second.at, until=third.at)) == [second]
    assert list(audit_log.query(since=second.at)) == [second, third]
    assert list(audit_log.query(until=second.at)) == [first]
    assert list(audit_log.query(organisation=acme)) == [first, second, third]


# --- export ----------------------------------------------------------------------------

def test_export_writes_one_json_object_a_line_with_every_field(acme, clock):
    import io

    admin = factories.user(acme, username="beheer")
    target = factories.user(acme, username="zoe")
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.4",
                                    HTTP_USER_AGENT='Zoë\'s "browser"\nX-Injected: yes')
    request.organisation = acme
    audit.record(Event.ACCOUNT_UNLOCKED, request=request, actor=admin, subject=target, reason="admin")
    clock.advance(timedelta(minutes=1))
    audit.record(Event.SIGNIN_FAILED, request=request, subject_label="niemand@example.nl", reason="unknown_user")

    stream = io.StringIO()
    assert audit_log.export_jsonl(audit_log.query(organisation=acme), stream) == 2
    raw = stream.getvalue()
    assert raw.endswith("\n") and len(raw.splitlines()) == 2
    unlocked, failed = lines(raw)
    assert unlocked == {
        "id": unlocked["id"], "at": unlocked["at"], "organisation": "acme", "type": "account.unlocked",
        "actor_id": admin.id, "actor_username": "beheer", "subject_id": target.id, "subject_username": "zoe",
        "subject_label": "", "reason": "admin", "source": "198.51.100.4",
        "user_agent": 'Zoë\'s "browser"\nX-Injected: yes',
    }
    moment = datetime.fromisoformat(unlocked["at"])
    assert moment.utcoffset() == timedelta(0) and abs(moment - clock.now()) < timedelta(minutes=2)
    assert (failed["type"], failed["subject_id"], failed["subject_username"], failed["subject_label"],
            failed["reason"]) == ("signin.failed", None, None, "niemand@example.nl", "unknown_user")
    assert datetime.fromisoformat(failed["at"]) > moment


# --- poortwachter audit ----------------------------------------------------------------

def test_cli_audit_prints_only_the_named_organisation(capsys, acme, other):
    intruder = factories.user(other, username="jan", email="jan@example.nl")
    factories.user(acme, username="jan", email="jan@example.nl")
    event(organisation=other, subject=intruder, subject_label="jan")
    event(Event.ACCOUNT_LOCKED, organisation=other, subject=intruder)
    ours = event(organisation=acme, subject_label="iemand")
    theirs = set(AuditEvent.objects.filter(organisation=other).values_list("id", flat=True))
    for extra in ([], ["--user", "jan"], ["--type", "account.locked"], ["--user", "jan@example.nl"]):
        code, out, err = run(capsys, "audit", "acme", *extra)
        assert code == 0 and err == "" and "andere" not in out
        assert not [e for e in lines(out) if e["id"] in theirs or e["subject_id"] == intruder.id]
    assert [line["id"] for line in lines(run(capsys, "audit", "acme")[1])] == [ours.id]


def test_cli_audit_without_organisation_prints_every_organisation(capsys, acme, other):
    event(organisation=acme)
    event(organisation=other)
    assert [line["organisation"] for line in lines(run(capsys, "audit")[1])] == ["acme", "andere"]


def test_cli_audit_filters_by_user_and_type(capsys, acme):
    anna = factories.user(acme, username="anna", email="anna@example.nl")
    piet = factories.user(acme, username="piet")
    event(Event.SIGNIN_FAILED, organisation=acme, subject=anna, reason="wrong_password")
    event(Event.SIGNIN_SUCCEEDED, organisation=acme, actor=anna, subject=anna)
    event(Event.SIGNIN_FAILED, organisation=acme, subject=piet, reason="wrong_password")
    event(Event.ACCOUNT_LOCKED, organisation=acme, subject=anna)

    found = lines(run(capsys, "audit", "acme", "--user", "ANNA@example.nl", "--type", "signin.failed")[1])
    assert [(e["type"], e["subject_username"]) for e in found] == [("signin.failed", "anna")]
    found = lines(run(capsys, "audit", "acme", "--type", "signin.failed", "--type", "account.locked")[1])
    assert [e["type"] for e in found] == ["signin.failed", "signin.failed", "account.locked"]
    found = lines(run(capsys, "audit", "acme", "--user", "anna", "--type", "signin.*")[1])
    assert [e["type"] for e in found] == ["signin.failed", "signin.succeeded"]


def test_cli_audit_time_range_in_local_time_and_a_bare_until_date_includes_that_day(capsys, acme, clock):
    for when in (local(2026, 3, 9, 23, 59), local(2026, 3, 10, 0, 1), local(2026, 3, 10, 23, 30),
                 local(2026, 3, 11, 0, 30)):
        move_to(clock, when)
        event(organisation=acme, reason=when.strftime("%d %H:%M"))

    def reasons(*argv):
        return [e["reason"] for e in lines(run(capsys, "audit", "acme", *argv)[1])]

    assert reasons("--since", "2026-03-10", "--until", "2026-03-10") == ["10 00:01", "10 23:30"]
    assert reasons("--since", "2026-03-10T12:00") == ["10 23:30", "11 00:30"]
    assert reasons("--until", "2026-03-10T00:00") == ["09 23:59"]
    assert reasons("--since", "2026-03-10T00:00+00:00", "--until", "2026-03-10") == ["10 23:30"]


@pytest.mark.parametrize("argv, message", [
    (["audit", "onbekend"], "geen organisatie met de korte naam „onbekend”"),
    (["audit", "acme", "--type", "signin.gelukt"], "Onbekend soort gebeurtenis „signin.gelukt”"),
    (["audit", "acme", "--type", "nergens.*"], "Onbekend soort gebeurtenis „nergens.*”"),
    (["audit", "acme", "--since", "gisteren"], "„gisteren” is geen datum"),
    (["audit", "acme", "--until", "2026-02-30"], "„2026-02-30” is geen datum"),
    (["audit", "acme", "--since", "2026-1-5"], "„2026-1-5” is geen datum"),
    (["audit", "acme", "--since", "2026-03-10", "--until", "2026-03-01"], "begin van de periode"),
    (["audit", "--user", "anna"], "Noem bij --user ook de organisatie"),
    (["audit", "acme", "--user", "niemand"], "Geen gebruiker „niemand” in acme"),
    (["audit", "acme", "--since", "9" * 10_000], "is geen datum"),
])
def test_cli_audit_errors_are_one_dutch_line_and_exit_2(capsys, acme, argv, message):
    event(organisation=acme)
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("poortwachter: ") and message in err
    assert err.count("\n") == 1 and len(err) < 1000


def test_cli_audit_output_file(capsys, acme, tmp_path):
    event(organisation=acme)
    event(organisation=acme)
    target = tmp_path / "audit.jsonl"
    code, out, _ = run(capsys, "audit", "acme", "--output", str(target))
    assert code == 0 and "2 auditgebeurtenis(sen) geschreven" in out
    assert len(lines(target.read_text())) == 2
    assert oct(target.stat().st_mode & 0o777) == "0o600"  # source addresses are personal data


def test_cli_audit_unwritable_output_leaves_nothing(capsys, acme, tmp_path):
    event(organisation=acme)
    code, _, err = run(capsys, "audit", "acme", "--output", str(tmp_path / "geen-map" / "audit.jsonl"))
    assert code == 2 and "die map bestaat niet" in err
    code, _, err = run(capsys, "audit", "acme", "--output", str(tmp_path))
    assert code == 2 and "dat is een map" in err
    assert os.listdir(tmp_path) == []


# --- retention -------------------------------------------------------------------------

def _ages(clock, *days_ago: int) -> None:
    """Events written `days_ago` days (and a minute) before the real now."""
    start = clock.now()
    for days in sorted(days_ago, reverse=True):
        move_to(clock, start - timedelta(days=days))
        event(reason=f"{days}")
    move_to(clock, start)


def _kept() -> list[str]:
    return list(AuditEvent.objects.order_by("at").values_list("reason", flat=True))


def test_prune_deletes_only_events_older_than_a_year(db, clock):
    _ages(clock, 400, 366, 364, 1, 0)
    assert audit_log.prune() == 2
    assert _kept() == ["364", "1", "0"]
    clock.advance(timedelta(days=2))
    assert audit_log.prune() == 1 and _kept() == ["1", "0"]


def test_retention_period_comes_from_the_setting(db, clock, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    _ages(clock, 31, 29)
    assert audit_log.prune() == 1 and _kept() == ["29"]


def test_retention_of_zero_keeps_everything(db, clock, settings):
    settings.AUDIT_RETENTION_DAYS = 0
    _ages(clock, 5000, 1)
    assert audit_log.prune() == 0 and _kept() == ["5000", "1"]


def test_prune_works_through_many_events_in_batches(db, clock, monkeypatch):
    monkeypatch.setattr(audit_log, "PRUNE_BATCH", 2)
    _ages(clock, 900, 800, 700, 600, 500, 10)
    assert audit_log.prune() == 5 and _kept() == ["10"]


def test_pruneaudit_command(capsys, db, clock):
    _ages(clock, 500, 3)
    code, out, _ = run(capsys, "pruneaudit")
    assert code == 0 and "1 auditgebeurtenis(sen) ouder dan 365 dagen verwijderd" in out
    assert _kept() == ["3"]


def test_worker_prunes_the_audit_log(db, clock):
    _ages(clock, 366, 2)
    worker.run(once=True)
    assert _kept() == ["2"]


def test_worker_prunes_at_most_once_an_hour(db, clock):
    first = worker.prune_audit(None)
    _ages(clock, 366)
    clock.advance(timedelta(minutes=59))
    assert worker.prune_audit(first) == first and _kept() == ["366"]
    clock.advance(timedelta(minutes=1))
    assert worker.prune_audit(first) > first and _kept() == []


# --- the sign-in flow leaves one complete row a thing ----------------------------------

def test_every_sign_in_event_leaves_exactly_one_complete_audit_row(client, acme, clock):
    walker = factories.user(acme, username="wandelaar")
    seen = set(AuditEvent.objects.values_list("id", flat=True))

    def step(number, do):
        address, agent = f"203.0.113.{number}", f"Wandelbrowser/{number}"
        do(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
        new = list(AuditEvent.objects.exclude(id__in=seen))
        seen.update(e.id for e in new)
        assert len(new) == 1, [e.type for e in new]
        row = new[0]
        assert (row.organisation_id, row.source, row.user_agent) == (acme.id, address, agent)
        return row

    row = step(1, lambda **h: login(client, acme, "wandelaar", **h))
    assert (row.type, row.subject_id, row.actor_id) == (Event.SIGNIN_SUCCEEDED, walker.id, walker.id)

    row = step(2, lambda **h: client.post(f"/{acme.slug}/logout", **h))
    assert (row.type, row.subject_id) == (Event.SIGNOUT, walker.id)

    row = step(3, lambda **h: login(client, acme, "niemand", "verkeerd-wachtwoord-1", **h))
    assert (row.type, row.reason, row.subject_id, row.subject_label) == (
        Event.SIGNIN_FAILED, "unknown_user", None, "niemand")

    row = step(4, lambda **h: login(client, acme, "WANDELAAR", "verkeerd-wachtwoord-1", **h))
    assert (row.type, row.reason, row.subject_id) == (Event.SIGNIN_FAILED, "wrong_password", walker.id)

    login(client, acme, "wandelaar", REMOTE_ADDR="203.0.113.99")  # a success resets the failures
    seen.update(AuditEvent.objects.values_list("id", flat=True))
    clock.advance(timedelta(hours=13))
    row = step(5, lambda **h: client.get(f"/{acme.slug}/", **h))
    assert (row.type, row.reason, row.subject_id) == (Event.SESSION_EXPIRED, "idle", walker.id)

    walker.status = UserStatus.BLOCKED
    walker.save()
    row = step(6, lambda **h: login(client, acme, "wandelaar", **h))
    assert (row.type, row.reason, row.subject_id) == (Event.SIGNIN_REFUSED, "user_blocked", walker.id)

    exported = lines(_export(audit_log.query(organisation=acme, user=walker)))
    assert [e["type"] for e in exported] == [
        "signin.succeeded", "signout", "signin.failed", "signin.succeeded", "session.expired", "signin.refused"]


def _export(queryset) -> str:
    import io

    stream = io.StringIO()
    audit_log.export_jsonl(queryset, stream)
    return stream.getvalue()
