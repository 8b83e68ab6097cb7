"""Bulk import from CSV: a dry run shows per-row errors and sends nothing; the real run
creates every user and queues a welcome mail, or creates nobody."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from poortwachter.accounts.models import User
from poortwachter.console import importing
from poortwachter.mail.models import OutboxMessage
from poortwachter.security.audit import AuditEvent
from tests import factories
from tests.console.conftest import base

pytestmark = pytest.mark.django_db

GOOD = "e-mail;naam;gebruikersnaam;rol\nann@example.nl;Ann Appel;ann;medewerker\nbob@example.nl;Bob Bos;;beheerder\n"


def upload(console, org, text, mode="dry", encoding="utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return console.post(base(org) + "users/import?lang=en",
                        {"file": SimpleUploadedFile("users.csv", data, content_type="text/csv"), "mode": mode})


def test_dry_run_checks_and_creates_nothing(console, org):
    response = upload(console, org, GOOD)
    assert response.status_code == 200 and "2 users can be imported" in response.content.decode()
    assert not User.objects.filter(email__in=["ann@example.nl", "bob@example.nl"]).exists()
    assert OutboxMessage.objects.count() == 0


def test_real_run_creates_users_and_sends_welcome_mails(console, org, admin):
    response = upload(console, org, GOOD, mode="run")
    assert response.status_code == 200 and "2 users have been created" in response.content.decode()
    ann = User.objects.get(organisation=org, username="ann")
    assert ann.name == "Ann Appel" and ann.status == "pending" and [r.name for r in ann.roles.all()] == ["medewerker"]
    assert User.objects.get(organisation=org, email="bob@example.nl").username == "bob"
    assert sorted(OutboxMessage.objects.values_list("to", flat=True)) == ["ann@example.nl", "bob@example.nl"]
    assert AuditEvent.objects.filter(type="users.imported", actor=admin, reason="2 users").exists()
    assert AuditEvent.objects.filter(type="user.created", actor=admin, reason="import").count() == 2


def test_errors_per_row_and_nobody_is_created(console, org):
    factories.user(org, email="bestaat@example.nl")
    text = ("email,name,username,role\n"
            "goed@example.nl,Goed,,medewerker\n"
            "geen-adres,Fout,,medewerker\n"
            "bestaat@example.nl,Dubbel,,medewerker\n"
            "rol@example.nl,Rol,,directeur\n"
            "goed@example.nl,Tweemaal,,\n")
    for mode in ("dry", "run"):
        response = upload(console, org, text, mode=mode)
        assert response.status_code == 400
        errors = dict(response.context["outcome"].errors)
        assert sorted(errors) == [3, 4, 5, 6]
        assert "already has a user with that e-mail address" in errors[4] and "directeur" in errors[5]
        assert not User.objects.filter(email="goed@example.nl").exists()
        assert OutboxMessage.objects.count() == 0


def test_bom_comma_and_no_header(console, org):
    response = upload(console, org, "\ufeffzonder@example.nl,Zonder Kop,zonder,medewerker\n", mode="run")
    assert response.status_code == 200
    assert User.objects.filter(organisation=org, username="zonder", name="Zonder Kop").exists()


def test_not_utf8_is_refused(console, org):
    response = upload(console, org, "e-mail;naam\nzoë@example.nl;Zoë\n", encoding="latin-1")
    assert response.status_code == 400 and "not UTF-8" in response.content.decode()


def test_too_many_rows_is_refused_with_a_clear_message(console, org, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    response = upload(console, org, GOOD + "cor@example.nl;Cor;;\n")
    assert response.status_code == 400 and "at most 2 can be imported at once" in response.content.decode()


def test_roles_of_another_organisation_cannot_be_imported(console, org, other_org):
    from poortwachter.accounts.models import Role

    Role.objects.create(organisation=other_org, name="alleenb")
    response = upload(console, org, "x@example.nl;X;;alleenb\n", mode="run")
    assert response.status_code == 400 and not User.objects.filter(email="x@example.nl").exists()
