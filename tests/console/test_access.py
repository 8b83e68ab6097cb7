"""Who gets into the console: only roles with console rights; the idle limit of the console;
the terms of service before anything else."""

from datetime import timedelta

import pytest

from poortwachter.console.models import TermsAcceptance
from poortwachter.operators.models import TermsVersion
from poortwachter.security.audit import AuditEvent
from poortwachter.signin.models import Session
from tests import factories
from tests.console.conftest import accept_current_terms, base
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db

# Every console address, GET and POST, with ids that exist (1) — none may answer a
# person without console rights with anything but 403.
CONSOLE_PATHS = [
    "", "terms", "users/", "users/new", "users/import", "users/1/", "users/1/activation", "users/1/email",
    "users/1/reset-link", "users/1/password", "users/1/block", "users/1/unblock", "users/1/unlock",
    "users/1/roles", "users/1/second-step", "users/1/second-step/remove", "users/1/sessions/abc/end",
    "users/1/delete", "roles/", "roles/new", "roles/1/", "roles/1/delete", "policies", "branding", "audit/",
    "audit/export.csv", "audit/export.jsonl",
]


@pytest.fixture
def employee_client(client, org):
    user = factories.user(org, username="medewerker1", roles=("medewerker",))
    accept_current_terms(user)
    assert login(client, org, "medewerker1").status_code == 302
    return client


@pytest.mark.parametrize("path", CONSOLE_PATHS)
def test_user_without_console_rights_gets_403_everywhere(employee_client, org, path):
    for method in (employee_client.get, employee_client.post):
        response = method(base(org) + path + "?lang=en")
        assert response.status_code in (403, 405), (path, response.status_code)
        if response.status_code == 403:
            assert "No access to the console" in response.content.decode()


def test_every_console_url_is_in_the_403_list():
    from poortwachter.console import urls

    listed = {p.split("/")[0] for p in CONSOLE_PATHS}
    for pattern in urls.urlpatterns:
        assert str(pattern.pattern).split("/")[0].split("<")[0] in listed | {""}, pattern.pattern


def test_not_signed_in_goes_to_the_login_page(client, org):
    response = client.get(base(org) + "users/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/{org.slug}/login?next=")


def test_admin_gets_in(console, org):
    page = console.get(base(org) + "?lang=en")
    assert page.status_code == 200 and "Settings and maintenance" in page.content.decode()


def test_console_rights_come_from_any_role_with_them(client, org):
    from poortwachter.accounts.models import Role

    Role.objects.create(organisation=org, name="teamleider", console_access=True)
    user = factories.user(org, username="lead", roles=("medewerker", "teamleider"))
    accept_current_terms(user)
    login(client, org, "lead")
    assert client.get(base(org)).status_code == 200


def test_an_hour_idle_in_the_console_signs_out(console, org, admin, clock):
    assert console.get(base(org) + "users/").status_code == 200
    clock.advance(timedelta(minutes=59))
    assert console.get(base(org) + "users/").status_code == 200  # activity resets the console clock
    clock.advance(timedelta(minutes=61))
    response = console.get(base(org) + "users/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/{org.slug}/login?") and "ended=idle" in response["Location"]
    assert not Session.objects.filter(user=admin).exists()
    assert AuditEvent.objects.filter(type="session.expired", subject=admin, reason="console_idle").exists()
    page = console.get(response["Location"] + "&lang=en").content.decode()
    assert "You were signed out because you were inactive" in page


def test_console_idle_limit_comes_from_the_policy(console, org, clock):
    org.policy.console_idle_minutes = 10
    org.policy.save()
    assert console.get(base(org)).status_code == 200
    clock.advance(timedelta(minutes=11))
    assert console.get(base(org)).status_code == 302


def test_portal_pages_do_not_count_as_console_activity_but_stay_open(console, org, clock):
    assert console.get(base(org)).status_code == 200
    clock.advance(timedelta(minutes=50))
    assert console.get(f"/{org.slug}/").status_code == 200
    clock.advance(timedelta(minutes=20))
    assert console.get(f"/{org.slug}/").status_code == 200  # the portal's own limit is 12 hours
    assert console.get(base(org)).status_code == 302  # 70 minutes since the console was used


# --- terms of service -------------------------------------------------------------------------

@pytest.fixture
def terms_v(db):
    top = TermsVersion.objects.order_by("-version").first()
    number = (top.version if top else 0) + 1
    return TermsVersion.objects.create(version=number, text=f"Voorwaarden versie {number}\n\nArtikel 1.")


def test_first_entry_asks_to_accept_the_terms(console, org, admin, terms_v):
    response = console.get(base(org) + "users/")
    assert response.status_code == 302
    assert response["Location"] == f"/{org.slug}/console/terms?next=%2F{org.slug}%2Fconsole%2Fusers%2F"
    page = console.get(response["Location"]).content.decode()
    assert f"Voorwaarden versie {terms_v.version}" in page


def test_accepting_records_version_and_time_and_goes_on(console, org, admin, terms_v, clock):
    clock.advance(timedelta(minutes=30))  # the recorded time is the service's clock, not the wall's
    before = clock.now()
    response = console.post(base(org) + "terms", {"version": terms_v.version, "accept": "1",
                                                  "next": f"/{org.slug}/console/users/"})
    assert response.status_code == 302 and response["Location"] == f"/{org.slug}/console/users/"
    accepted = TermsAcceptance.objects.get(user=admin, version=terms_v.version)
    assert before <= accepted.accepted_at <= clock.now()
    assert AuditEvent.objects.filter(type="terms.accepted", actor=admin, reason=f"version {terms_v.version}").exists()
    assert console.get(base(org) + "users/").status_code == 200


def test_without_ticking_the_box_nothing_is_recorded(console, org, admin, terms_v):
    response = console.post(base(org) + "terms", {"version": terms_v.version})
    assert response.status_code == 400
    assert not TermsAcceptance.objects.filter(user=admin, version=terms_v.version).exists()
    assert console.get(base(org)).status_code == 302


def test_a_new_version_must_be_accepted_again(console, org, admin, terms_v):
    console.post(base(org) + "terms", {"version": terms_v.version, "accept": "1"})
    assert console.get(base(org)).status_code == 200
    newer = TermsVersion.objects.create(version=terms_v.version + 1, text="Nieuwe voorwaarden")
    assert console.get(base(org))["Location"].startswith(f"/{org.slug}/console/terms")
    # Accepting the old version (the page was open while the new one came) does not count.
    assert console.post(base(org) + "terms", {"version": terms_v.version, "accept": "1"}).status_code == 400
    assert console.post(base(org) + "terms", {"version": newer.version, "accept": "1"}).status_code == 302
    assert console.get(base(org)).status_code == 200


def test_terms_page_does_not_send_elsewhere(console, org, terms_v):
    response = console.post(base(org) + "terms", {"version": terms_v.version, "accept": "1",
                                                  "next": "https://evil.example/"})
    assert response["Location"] == f"/{org.slug}/console/"
