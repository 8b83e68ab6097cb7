"""The operator's commands: createoperator, listorgs, failedmail, publishterms, and
setstatus --message (cli.py). Errors: one line on stderr, exit code 2, nothing changed."""

import pytest

from poortwachter.mail.models import MailStatus, OutboxMessage
from poortwachter.operators import terms
from poortwachter.operators.models import Operator
from poortwachter.security.audit import AuditEvent
from poortwachter.tenants.models import Organisation
from tests import factories
from tests.operators.conftest import OPERATOR_PASSWORD
from tests.test_cli import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_english(monkeypatch):
    monkeypatch.setenv("POORTWACHTER_CLI_LANGUAGE", "en")


def test_createoperator_reads_the_password_and_the_operator_can_sign_in(capsys, monkeypatch, client):
    code, out, _ = run(capsys, "createoperator", "Beheer", "--password-stdin", stdin=OPERATOR_PASSWORD + "\n",
                       monkeypatch=monkeypatch)
    assert code == 0 and "beheer" in out
    operator = Operator.objects.get(name="beheer")
    assert operator.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert AuditEvent.objects.get(type="operator.created").subject_label == "operator:beheer"
    response = client.post("/_operator/login", {"name": "beheer", "password": OPERATOR_PASSWORD})
    assert response.status_code == 302


def test_createoperator_refuses_a_duplicate_name(capsys, monkeypatch, in_english):
    run(capsys, "createoperator", "beheer", "--password-stdin", stdin=OPERATOR_PASSWORD + "\n", monkeypatch=monkeypatch)
    code, _, err = run(capsys, "createoperator", "BEHEER", "--password-stdin", stdin="nog-een-lang-wachtwoord-hier\n",
                       monkeypatch=monkeypatch)
    assert code == 2 and err == "poortwachter: An operator named “beheer” already exists.\n"
    assert Operator.objects.get().check_password(OPERATOR_PASSWORD)


@pytest.mark.parametrize("password, expected", [
    ("te-kort-ww-123", "too short: use at least 15 characters"),
    ("wachtwoordwachtwoord", "commonly used"),
    ("aaaaaaaaaaaaaaaaaaaa", "too easy to guess"),
    ("beheer", "too short"),
])
def test_createoperator_refuses_a_weak_password_in_one_line(capsys, monkeypatch, in_english, password, expected):
    code, out, err = run(capsys, "createoperator", "beheer", "--password-stdin", stdin=password + "\n",
                         monkeypatch=monkeypatch)
    assert code == 2 and expected in err and err.count("\n") == 1 and err.startswith("poortwachter: ")
    assert not Operator.objects.exists()
    assert not AuditEvent.objects.filter(type="operator.created").exists()


def test_createoperator_refuses_a_bad_name(capsys, monkeypatch, in_english):
    code, _, err = run(capsys, "createoperator", "twee woorden", "--password-stdin", stdin=OPERATOR_PASSWORD + "\n",
                       monkeypatch=monkeypatch)
    assert code == 2 and "operator name has 1 to 150 characters" in err
    assert not Operator.objects.exists()


def test_listorgs_shows_status_trial_end_and_users(capsys):
    acme = factories.organisation(slug="acme", name="Acme BV")
    factories.organisation(slug="proef", name="Proef BV", status="trial", trial_ends_on="2027-02-01")
    factories.user(acme), factories.user(acme)
    code, out, _ = run(capsys, "listorgs")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[0] == "slug"
    assert lines[1].split() == ["acme", "active", "-", "2", "Acme", "BV"]
    assert lines[2].split() == ["proef", "trial", "2027-02-01", "0", "Proef", "BV"]


def test_failedmail_lists_only_failed_messages(capsys, org):
    failed = OutboxMessage.objects.create(organisation=org, template="welcome", to="mis@example.nl", subject="Welkom",
                                          text_body="link", html_body="link", language="nl",
                                          status=MailStatus.FAILED, attempts=8, last_error="SMTPServerDisconnected")
    OutboxMessage.objects.create(to="goed@example.nl", subject="x", text_body="", html_body="", language="nl",
                                 status=MailStatus.SENT)
    code, out, _ = run(capsys, "failedmail")
    assert code == 0
    assert out.splitlines()[0].split("\t")[0] == str(failed.id)
    assert "mis@example.nl" in out and "SMTPServerDisconnected" in out and "goed@example.nl" not in out
    assert "1 mislukt(e) bericht(en)" in out
    assert run(capsys, "retrymail", str(failed.id))[0] == 0
    assert "0 mislukt(e) bericht(en)" in run(capsys, "failedmail")[1]


def test_publishterms_from_a_file_and_from_stdin(capsys, monkeypatch, tmp_path):
    path = tmp_path / "voorwaarden.txt"
    path.write_text("Versie twee van de voorwaarden.\n", encoding="utf-8")
    code, out, _ = run(capsys, "publishterms", "--file", str(path))
    assert code == 0 and "versie 2" in out
    assert terms.current_version().text == "Versie twee van de voorwaarden."
    code, out, _ = run(capsys, "publishterms", stdin="Versie drie.\n", monkeypatch=monkeypatch)
    assert code == 0 and terms.current_version().version == 3
    assert list(AuditEvent.objects.filter(type="operator.terms_published").values_list("reason", flat=True)
                .order_by("id")) == ["version 2", "version 3"]


def test_publishterms_refuses_a_missing_file_and_an_empty_text(capsys, monkeypatch, tmp_path, in_english):
    code, _, err = run(capsys, "publishterms", "--file", str(tmp_path / "weg.txt"))
    assert code == 2 and "Cannot read" in err and "No such file" in err
    code, _, err = run(capsys, "publishterms", stdin="  \n", monkeypatch=monkeypatch)
    assert code == 2 and "cannot be empty" in err
    assert terms.current_version().version == 1


def test_setstatus_with_a_message_users_will_read(capsys):
    from poortwachter.tenants.status import refusal

    factories.organisation(slug="acme", name="Acme")
    assert run(capsys, "setstatus", "acme", "suspended", "--message", "Onderhoud tot maandag.")[0] == 0
    organisation = Organisation.objects.get(slug="acme")
    assert organisation.status_message == "Onderhoud tot maandag."
    assert refusal(organisation).startswith("Onderhoud tot maandag.")
    assert run(capsys, "setstatus", "acme", "active")[0] == 0
    assert Organisation.objects.get(slug="acme").status_message == "Onderhoud tot maandag."  # kept without --message
    run(capsys, "setstatus", "acme", "suspended", "--message", "")
    assert Organisation.objects.get(slug="acme").status_message == ""
