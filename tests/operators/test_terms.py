"""Terms of service: version 1 always exists, the operator publishes the next versions."""

import pytest
from django.test import Client

from poortwachter.operators import terms
from poortwachter.operators.models import TermsVersion
from poortwachter.security.audit import AuditEvent

pytestmark = pytest.mark.django_db


def test_version_1_exists_from_the_migration_in_dutch_and_english():
    first = TermsVersion.objects.get(version=1)
    assert "Gebruiksvoorwaarden" in first.text and "Terms of service" in first.text
    assert terms.current_version() == first


def test_version_1_comes_back_when_the_table_was_emptied():
    TermsVersion.objects.all().delete()
    assert terms.current_version().version == 1
    assert TermsVersion.objects.count() == 1


def test_page_shows_the_current_version(operator_client):
    page = operator_client.get("/_operator/terms/").content.decode()
    assert "Current version: 1" in page and "Gebruiksvoorwaarden" in page


def test_publish_makes_the_next_version_and_is_audited(operator_client):
    response = operator_client.post("/_operator/terms/", {"text": "Nieuwe voorwaarden.\r\n\r\nNew terms."})
    assert response.status_code == 302 and response["Location"] == "/_operator/terms/?published=2"
    current = terms.current_version()
    assert (current.version, current.text) == (2, "Nieuwe voorwaarden.\n\nNew terms.")
    row = AuditEvent.objects.get(type="operator.terms_published")
    assert row.subject_label == "operator:beheer" and row.reason == "version 2" and row.organisation is None
    page = operator_client.get(response["Location"]).content.decode()
    assert "Version 2 was published." in page and "Version 1, published" in page
    operator_client.post("/_operator/terms/", {"text": "Derde versie."})
    assert terms.current_version().version == 3


@pytest.mark.parametrize("text, expected", [
    ("   ", b"This field is required."),
    ("x" * (terms.MAX_LENGTH + 1), b"at most 100000 characters"),
])
def test_bad_text_is_refused(operator_client, text, expected):
    response = operator_client.post("/_operator/terms/", {"text": text})
    assert response.status_code == 400 and expected in response.content
    assert terms.current_version().version == 1


def test_the_same_text_again_is_not_a_new_version(operator_client):
    same = TermsVersion.objects.get(version=1).text
    response = operator_client.post("/_operator/terms/", {"text": same})
    assert response.status_code == 400 and b"same as the current version 1" in response.content
    assert TermsVersion.objects.count() == 1


def test_publish_without_csrf_token_is_refused(operator_client):
    forger = Client(enforce_csrf_checks=True)
    forger.cookies = operator_client.cookies
    assert forger.post("/_operator/terms/", {"text": "Gesmokkeld."}).status_code == 403
    assert terms.current_version().version == 1
