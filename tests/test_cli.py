"""The `poortwachter` command line: clear errors, exit code 2, nothing half-done."""

import io
import json
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from poortwachter import cli
from poortwachter.accounts.models import User
from poortwachter.tenants.models import Organisation
from tests.server_process import POORTWACHTER, clean_env, running_server

pytestmark = pytest.mark.django_db


def run(capsys, *argv, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_createorg_and_duplicate_slug(capsys):
    assert run(capsys, "createorg", "acme", "--name", "Acme B.V.")[0] == 0
    assert Organisation.objects.get(slug="acme").name == "Acme B.V."
    code, _, err = run(capsys, "createorg", "acme", "--name", "Nog een Acme")
    assert code == 2 and "bestaat al een organisatie met de korte naam „acme”" in err
    assert Organisation.objects.filter(slug="acme").count() == 1


@pytest.mark.parametrize("slug", ["Acme Corp", "acme-", "static", "a" * 64, "acmé"])
def test_createorg_refuses_bad_slugs(capsys, slug):
    code, _, err = run(capsys, "createorg", slug, "--name", "X")
    assert code == 2 and err.startswith("poortwachter: ")
    assert not Organisation.objects.exists()


def test_createuser_pending_and_with_password(capsys, monkeypatch):
    run(capsys, "createorg", "acme", "--name", "Acme")
    code, out, _ = run(capsys, "createuser", "acme", "nieuw@example.nl", "--role", "medewerker")
    assert code == 0 and "wacht op activering" in out
    assert User.objects.get(email="nieuw@example.nl").status == "pending"
    code, out, _ = run(capsys, "createuser", "acme", "actief@example.nl", "--username", "actief",
                       "--password-stdin", stdin="lange-zin-als-wachtwoord\n", monkeypatch=monkeypatch)
    assert code == 0 and "actief" in out
    assert User.objects.get(username="actief").check_password("lange-zin-als-wachtwoord")


def test_createuser_errors(capsys, monkeypatch):
    run(capsys, "createorg", "acme", "--name", "Acme")
    assert "geen organisatie met de korte naam „onbekend”" in run(capsys, "createuser", "onbekend", "a@example.nl")[2]
    assert "geen geldig e-mailadres" in run(capsys, "createuser", "acme", "geen-adres")[2]
    code, _, err = run(capsys, "createuser", "acme", "zwak@example.nl", "--password-stdin",
                       stdin="wachtwoord\n", monkeypatch=monkeypatch)
    assert code == 2 and "te kort" in err
    assert not User.objects.exists()


def test_setstatus(capsys):
    run(capsys, "createorg", "acme", "--name", "Acme")
    assert run(capsys, "setstatus", "acme", "blocked_payment")[0] == 0
    assert Organisation.objects.get(slug="acme").status == "blocked_payment"
    assert "einddatum" in run(capsys, "setstatus", "acme", "trial")[2]
    assert run(capsys, "setstatus", "acme", "trial", "--until", "2027-01-31")[0] == 0
    assert str(Organisation.objects.get(slug="acme").trial_ends_on) == "2027-01-31"
    assert "Onbekende status" in run(capsys, "setstatus", "acme", "bankrupt")[2]


@pytest.mark.django_db(transaction=False)
def test_serve_starts_gunicorn_with_the_demo_and_prints_credentials(tmp_path):
    """The README's run command, as a real process on the embedded database."""
    with running_server(tmp_path, POORTWACHTER_WORKERS="2") as (base, banner):
        assert f"{base}/demo/login" in banner
        assert re.search(r"gebruikersnaam beheerder .* wachtwoord \S+", banner)
        with urllib.request.urlopen(f"{base}/readyz", timeout=5) as r:
            assert r.status == 200
        with urllib.request.urlopen(f"{base}/demo/login", timeout=5) as r:
            assert "Aanmelden" in r.read().decode()
        assert (tmp_path / "poortwachter.sqlite3").exists() and (tmp_path / "secret_key").exists()
        assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
        # The outbox worker runs beside the web workers: a welcome mail reaches /_mail/.
        subprocess.run([POORTWACHTER, "--data-dir", str(tmp_path), "createuser", "demo", "nieuw@demo.example"],
                       env=clean_env(), check=True, capture_output=True)
        for _ in range(100):
            with urllib.request.urlopen(f"{base}/_mail/messages.json", timeout=5) as r:
                mails = json.loads(r.read())["messages"]
            if any(m["to"] == "nieuw@demo.example" and m["status"] == "captured" for m in mails):
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"the worker did not pick up the welcome mail: {mails}")


def test_organisation_changes_are_audited(capsys):
    from poortwachter.security.audit import AuditEvent

    run(capsys, "createorg", "acme", "--name", "Acme")
    run(capsys, "setstatus", "acme", "suspended")
    types = list(AuditEvent.objects.order_by("id").values_list("type", "reason"))
    assert types == [("organisation.created", ""), ("organisation.status_changed", "suspended")]
