"""The operator console's organisation pages: the list, creating one with its first
administrator, and setting its status with the message its users read."""

from datetime import date, timedelta

import pytest
from django.test import Client

from poortwachter import clock
from poortwachter.accounts.models import User
from poortwachter.mail.models import OutboxMessage
from poortwachter.security.audit import AuditEvent
from poortwachter.tenants.models import Organisation
from tests import factories
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db

NEW = "/_operator/organisations/new"


def status_url(org):
    return f"/_operator/organisations/{org.slug}/status"


def test_list_shows_each_organisation_with_status_trial_end_and_user_count(operator_client):
    a = factories.organisation(slug="alfa", name="Alfa BV")
    b = factories.organisation(slug="beta", name="Beta BV", status="trial", trial_ends_on=date(2027, 3, 1))
    for _ in range(3):
        factories.user(a)
    page = operator_client.get("/_operator/organisations/").content.decode()
    row_a = page.split('id="organisation-alfa"')[1].split("</tr>")[0]
    row_b = page.split('id="organisation-beta"')[1].split("</tr>")[0]
    assert "Alfa BV" in row_a and "<td>3</td>" in row_a and 'data-status="active"' in row_a
    assert "Beta BV" in row_b and "<td>0</td>" in row_b and "March 1, 2027" in row_b and "trial" in row_b


def test_list_costs_the_same_few_queries_for_many_organisations(operator_client, django_assert_max_num_queries):
    for n in range(15):
        factories.user(factories.organisation())
    with django_assert_max_num_queries(8):
        assert operator_client.get("/_operator/organisations/").status_code == 200


def test_create_organisation_with_first_admin_who_gets_the_welcome_mail(operator_client):
    response = operator_client.post(NEW, {"slug": "Acme", "name": "Acme BV", "contact": "help@acme.example",
                                          "admin_email": "eigenaar@acme.example", "admin_name": "Eva Eigenaar"})
    assert response.status_code == 302 and response["Location"] == "/_operator/organisations/?created=acme"
    organisation = Organisation.objects.get(slug="acme")
    assert organisation.name == "Acme BV" and organisation.contact == "help@acme.example"
    admin = User.objects.get(organisation=organisation)
    assert admin.email == "eigenaar@acme.example" and admin.status == "pending"
    assert list(admin.roles.values_list("name", flat=True)) == ["beheerder"]
    mail = OutboxMessage.objects.get(to="eigenaar@acme.example")
    assert mail.template == "welcome" and "/acme/activate/" in mail.text_body
    row = AuditEvent.objects.get(type="operator.organisation_created")
    assert row.organisation == organisation and row.subject == admin and row.subject_label == "operator:beheer"
    assert b"Organisation acme was created." in operator_client.get(response["Location"]).content


def test_create_organisation_without_admin(operator_client):
    assert operator_client.post(NEW, {"slug": "leeg", "name": "Leeg BV"}).status_code == 302
    assert not User.objects.filter(organisation__slug="leeg").exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("slug, expected", [
    ("acme corp", b"only lower-case letters"), ("-acme", b"only lower-case letters"),
    ("a" * 64, b"at most 63"), ("static", b"reserved"), ("", b"This field is required"),
])
def test_bad_short_names_are_refused_and_nothing_is_created(operator_client, slug, expected):
    response = operator_client.post(NEW, {"slug": slug, "name": "Naam"})
    assert response.status_code == 400 and expected in response.content
    assert not Organisation.objects.exists()


def test_duplicate_short_name_is_refused(operator_client):
    factories.organisation(slug="acme", name="Acme")
    response = operator_client.post(NEW, {"slug": "acme", "name": "Tweede Acme"})
    assert response.status_code == 400 and "already exists".encode() in response.content
    assert Organisation.objects.get(slug="acme").name == "Acme"


def test_bad_admin_address_leaves_no_organisation_behind(operator_client):
    response = operator_client.post(NEW, {"slug": "acme", "name": "Acme", "admin_email": "geen-adres"})
    assert response.status_code == 400 and b"valid email address" in response.content
    assert not Organisation.objects.exists()


def test_missing_name_is_refused(operator_client):
    response = operator_client.post(NEW, {"slug": "acme", "name": "  "})
    assert response.status_code == 400
    assert not Organisation.objects.exists()


def test_create_without_csrf_token_is_refused(operator_client):
    forger = Client(enforce_csrf_checks=True)
    forger.cookies = operator_client.cookies
    response = forger.post(NEW, {"slug": "acme", "name": "Acme"})
    assert response.status_code == 403
    assert not Organisation.objects.exists()


# --- status ------------------------------------------------------------------------------

def test_set_blocked_payment_with_a_message_that_users_then_read(operator_client, org):
    user = factories.user(org)
    response = operator_client.post(status_url(org), {"status": "blocked_payment", "message": "Bel ons: 020-1234567.",
                                                      "action": "save"})
    assert response.status_code == 302 and response["Location"] == status_url(org) + "?saved=1"
    org.refresh_from_db()
    assert (org.status, org.status_message) == ("blocked_payment", "Bel ons: 020-1234567.")
    row = AuditEvent.objects.get(type="operator.status_changed")
    assert row.organisation == org and row.subject_label == "operator:beheer" and row.reason == "blocked_payment"
    page = operator_client.get(response["Location"]).content.decode()
    assert "The status was saved." in page and "Bel ons: 020-1234567." in page.split('id="current-text"')[1]
    refused = login(Client(), org, user.username)
    assert refused.status_code == 403 and "Bel ons: 020-1234567." in refused.content.decode()


def test_preview_shows_what_users_will_read_without_saving(operator_client, org):
    response = operator_client.post(status_url(org), {"status": "suspended", "message": "", "action": "preview"})
    assert response.status_code == 200
    preview = response.content.decode().split('id="preview-text"')[1].split("</p>")[0]
    assert f"Access to {org.name} has been suspended for now." in preview
    org.refresh_from_db()
    assert org.status == "active"
    assert not AuditEvent.objects.filter(type="operator.status_changed").exists()


def test_preview_of_a_running_trial_says_users_get_in(operator_client, org):
    until = (clock.now().date() + timedelta(days=30)).isoformat()
    response = operator_client.post(status_url(org), {"status": "trial", "trial_ends_on": until, "action": "preview"})
    assert "Nothing: they can sign in." in response.content.decode().split('id="preview-text"')[1]


def test_trial_with_end_date_is_saved(operator_client, org):
    response = operator_client.post(status_url(org), {"status": "trial", "trial_ends_on": "2027-01-31",
                                                      "action": "save"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.status == "trial" and org.trial_ends_on == date(2027, 1, 31)


@pytest.mark.parametrize("data, expected", [
    ({"status": "trial"}, b"A trial needs an end date."),
    ({"status": "bankrupt"}, b"Select a valid choice."),
    ({"status": "trial", "trial_ends_on": "31-01-2027"}, b"Enter a valid date."),
    ({"status": "suspended", "message": "x" * 501}, b"at most 500 characters"),
])
def test_bad_status_input_is_refused_and_nothing_changes(operator_client, org, data, expected):
    response = operator_client.post(status_url(org), {**data, "action": "save"})
    assert response.status_code == 400 and expected in response.content
    org.refresh_from_db()
    assert org.status == "active" and org.status_message == ""
    assert not AuditEvent.objects.filter(type="operator.status_changed").exists()


def test_status_of_an_unknown_organisation_is_404(operator_client):
    assert operator_client.get("/_operator/organisations/bestaat-niet/status").status_code == 404


def test_status_change_without_csrf_token_is_refused(operator_client, org):
    forger = Client(enforce_csrf_checks=True)
    forger.cookies = operator_client.cookies
    assert forger.post(status_url(org), {"status": "cancelled", "action": "save"}).status_code == 403
    org.refresh_from_db()
    assert org.status == "active"


def test_a_blocking_status_ends_sessions_of_signed_in_users(operator_client, org):
    user = factories.user(org)
    member = Client()
    login(member, org, user.username)
    assert member.get(f"/{org.slug}/dashboard").status_code == 200
    operator_client.post(status_url(org), {"status": "cancelled", "action": "save"})
    assert member.get(f"/{org.slug}/dashboard").status_code == 302
