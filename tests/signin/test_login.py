"""Signing in at /<slug>/login with e-mail or username and password."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from poortwachter.signin.models import Session
from poortwachter.security.audit import AuditEvent
from tests import factories
from tests.signin.helpers import CountingVerifies, login, without_tokens

pytestmark = pytest.mark.django_db


def test_login_page_is_dutch_with_labels_and_help_links(client, org):
    html = client.get(f"/{org.slug}/login").content.decode()
    assert '<html lang="nl">' in html
    assert '<label for="id_identifier">E-mailadres of gebruikersnaam</label>' in html
    assert '<label for="id_password">Wachtwoord</label>' in html
    assert '<button type="submit">Aanmelden</button>' in html
    assert f'href="/{org.slug}/password/forgot">Wachtwoord vergeten?</a>' in html
    assert f'href="/{org.slug}/username/forgot">Gebruikersnaam vergeten?</a>' in html
    assert 'hreflang="en"' in html  # the visible switch to English


def test_lang_parameter_switches_to_english_and_is_remembered(client, org):
    html = client.get(f"/{org.slug}/login?lang=en").content.decode()
    assert '<html lang="en">' in html and "E-mail address or username" in html
    again = client.get(f"/{org.slug}/login").content.decode()  # cookie remembers the choice
    assert '<button type="submit">Sign in</button>' in again


def test_browser_language_is_followed(client, org):
    html = client.get(f"/{org.slug}/login", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "E-mail address or username" in html
    html = client.get(f"/{org.slug}/login", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()
    assert "E-mailadres of gebruikersnaam" in html  # unsupported language: Dutch


@pytest.mark.parametrize("typed", ["jdevries", "JDeVries", " jdevries ", "ｊｄｅｖｒｉｅｓ",
                                   "j.devries@example.nl", "J.DeVries@Example.NL"])
def test_username_or_email_in_any_case_or_width_signs_in(client, org, typed):
    factories.user(org, username="jdevries", email="j.devries@example.nl")
    response = login(client, org, typed)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_unknown_user_and_wrong_password_get_the_same_answer(client, org, monkeypatch):
    factories.user(org, username="bestaat")
    verifies = CountingVerifies(monkeypatch)
    unknown = login(client, org, "bestaat-niet", "een-heel-lang-wachtwoord")
    wrong = login(client, org, "bestaat", "een-heel-lang-wachtwoord")
    assert unknown.status_code == wrong.status_code == 200
    assert without_tokens(unknown.content.decode()) == without_tokens(wrong.content.decode())
    assert "horen niet bij elkaar" in wrong.content.decode()
    # The unknown user cost one argon2 verification too (a dummy hash): same work, same time.
    assert verifies.count == 2
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_are_audited_with_reason(client, org):
    factories.user(org, username="bestaat")
    login(client, org, "niemand", "x" * 20)
    login(client, org, "bestaat", "x" * 20)
    reasons = list(AuditEvent.objects.filter(type="signin.failed").values_list("reason", flat=True))
    assert sorted(reasons) == ["unknown_user", "wrong_password"]


def test_passwords_are_argon2id_with_owasp_parameters(org):
    user = factories.user(org)
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_hash_with_old_parameters_is_replaced_at_sign_in(client, org):
    user = factories.user(org, username="oud")
    user.password = Argon2PasswordHasher().encode(factories.PASSWORD, "c2FsdHNhbHRzYWx0")
    user.save(update_fields=["password"])
    assert "m=102400" in user.password
    assert login(client, org, "oud").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_session_key_is_rotated_at_sign_in(client, org):
    factories.user(org, username="roteer")
    session = client.session
    session["voorafgaand"] = 1  # a session that existed before signing in (fixation attempt)
    session.save()
    before = session.session_key
    login(client, org, "roteer")
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_session_row_knows_its_owner(client, org):
    user = factories.user(org, username="eigenaar")
    login(client, org, "eigenaar", HTTP_USER_AGENT="TestBrowser/1.0")
    row = Session.objects.get(session_key=client.session.session_key)
    assert (row.user_id, row.organisation_id, row.user_agent) == (user.id, org.id, "TestBrowser/1.0")
    assert len(row.session_data) <= 1024  # small server-side sessions


def test_signing_in_as_someone_else_starts_a_fresh_session(client, org):
    factories.user(org, username="eerste")
    second = factories.user(org, username="tweede")
    login(client, org, "eerste")
    before = client.session.session_key
    login(client, org, "tweede")
    assert client.session.session_key != before and client.session["_auth_user_id"] == str(second.pk)
    assert not Session.objects.filter(session_key=before).exists()


def test_sign_in_records_when_it_happened(client, org, clock):
    user = factories.user(org, username="tijd")
    clock.advance(timedelta(days=3))  # the one clock, as everywhere else
    login(client, org, "tijd")
    user.refresh_from_db()
    assert abs(user.last_login - clock.now()) < timedelta(minutes=1)


def test_successful_sign_in_is_audited(client, org):
    user = factories.user(org, username="gelukt")
    login(client, org, "gelukt", REMOTE_ADDR="192.0.2.7")
    event = AuditEvent.objects.get(type="signin.succeeded")
    assert (event.subject_id, event.organisation_id, event.source, event.reason) == (user.id, org.id, "192.0.2.7", "pwd")


def test_role_decides_the_landing_page(client, org):
    factories.user(org, username="mw", roles=["medewerker"])
    factories.user(org, username="bh", roles=["beheerder"])
    assert login(client, org, "mw")["Location"] == f"/{org.slug}/dashboard"
    client.post(f"/{org.slug}/logout")
    assert login(client, org, "bh")["Location"] == f"/{org.slug}/"


def test_the_first_role_with_a_landing_page_decides(client, org):
    factories.user(org, username="beide", roles=["beheerder", "medewerker"])  # beheerder has none
    assert login(client, org, "beide")["Location"] == f"/{org.slug}/dashboard"


def test_landing_pages_show_the_signed_in_person(client, org):
    factories.user(org, username="mw", name="Marieke Mulder")
    login(client, org, "mw")
    dashboard = client.get(f"/{org.slug}/dashboard").content.decode()
    assert "Marieke Mulder" in dashboard and "Afmelden" in dashboard
    assert "Welkom, Marieke Mulder" in client.get(f"/{org.slug}/").content.decode()


def test_same_site_next_is_followed(client, org):
    factories.user(org, username="volg")
    response = login(client, org, "volg", next=f"/{org.slug}/?tab=2")
    assert response["Location"] == f"/{org.slug}/?tab=2"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "http://evil.example", "//evil.example", "/\\evil.example",
    "\\\\evil.example", "/%2F%2Fevil.example", "%2F%2Fevil.example", "/%5Cevil.example",
    "https:evil.example", "javascript:alert(1)", "/ORG/../../evil", "/ORG/%2e%2e/%2e%2e/x",
    "/ORG/%252e%252e/x", "/ORG/\\evil", "/ORG/\tjavascript:alert(1)", "/other-org/",
    " //evil.example", "/ORG/\r\nLocation: https://evil.example",
])
def test_open_redirects_are_refused(client, org, target):
    factories.user(org, username="omleiding", roles=["beheerder"])
    response = login(client, org, "omleiding", next=target.replace("ORG", org.slug))
    assert response.status_code == 302
    assert response["Location"] == f"/{org.slug}/"  # the role's landing page instead


def test_signed_in_person_visiting_login_goes_to_landing(client, org):
    factories.user(org, username="al")
    login(client, org, "al")
    assert client.get(f"/{org.slug}/login")["Location"] == f"/{org.slug}/dashboard"


def test_pages_need_a_signed_in_person(client, org):
    response = client.get(f"/{org.slug}/dashboard")
    assert response.status_code == 302
    assert response["Location"] == f"/{org.slug}/login?next=%2F{org.slug}%2Fdashboard"


def test_an_apps_login_hint_fills_in_the_name(client, org):
    page = client.get(f"/{org.slug}/login", {"login_hint": "jan@example.nl"}).content.decode()
    assert 'value="jan@example.nl"' in page
    page = client.get(f"/{org.slug}/login", {"login_hint": '"><script>'}).content.decode()
    assert "<script>" not in page.split("<form", 1)[1]


def test_a_session_written_in_djangos_signed_format_still_reads(client, org):
    from django.contrib.sessions.backends.base import SessionBase
    from poortwachter.signin.sessions import SessionStore

    factories.user(org, username="oldformat")
    login(client, org, "oldformat")
    row = Session.objects.get()
    data = SessionStore().decode(row.session_data)
    assert row.session_data.startswith("{") and data["org"] == org.id
    Session.objects.filter(pk=row.pk).update(session_data=SessionBase.encode(SessionStore(), data))
    assert client.get(f"/{org.slug}/dashboard").status_code == 200  # still signed in
    Session.objects.filter(pk=row.pk).update(session_data='{"org": ')  # damaged: nobody
    assert client.get(f"/{org.slug}/dashboard").status_code == 302


def test_a_sign_in_writes_its_session_row_once_with_its_owner(client, org):
    """The row is written inside the sign-in's transaction; the response does not write it
    again, and what it holds is the signed-in person's (who they are, from where)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = factories.user(org, username="eenmaal")
    with CaptureQueriesContext(connection) as queries:
        assert login(client, org, "eenmaal").status_code == 302
    writes = [q["sql"] for q in queries.captured_queries
              if q["sql"].startswith(("INSERT", "UPDATE")) and "signin_session" in q["sql"]]
    assert len(writes) == 1 and writes[0].startswith("INSERT")
    row = Session.objects.get()
    assert (row.user_id, row.organisation_id, row.source) == (person.pk, org.id, "127.0.0.1")
    assert client.get(f"/{org.slug}/dashboard").status_code == 200


def test_a_session_changed_after_it_was_written_is_written_again(db, org, django_assert_num_queries):
    from poortwachter.signin.sessions import SessionStore

    store = SessionStore()
    store.update({"org": org.id, "seen_at": 1})
    store.save()  # the new row
    with django_assert_num_queries(0):
        store.save()  # unchanged: nothing to write
    store["seen_at"] = 2
    store.save()
    assert SessionStore(store.session_key).load()["seen_at"] == 2
