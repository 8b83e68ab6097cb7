"""Nothing of organisation A is usable from organisation B: accounts, sessions, steps."""

import pytest

from poortwachter.accounts.models import User
from tests import factories
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(db):
    return factories.organisation("alfa", "Alfa B.V.")


@pytest.fixture
def b(db):
    return factories.organisation("bravo", "Bravo B.V.")


def test_user_of_a_cannot_sign_in_at_b(client, a, b):
    factories.user(a, username="anna", email="anna@example.nl")
    for identifier in ("anna", "anna@example.nl"):
        response = login(client, b, identifier)
        assert response.status_code == 200 and "horen niet bij elkaar" in response.content.decode()


def test_same_email_in_two_organisations_is_two_accounts(client, a, b):
    in_a = factories.user(a, email="piet@example.nl", username="piet", password="wachtwoord-van-piet-in-alfa")
    in_b = factories.user(b, email="piet@example.nl", username="piet", password="wachtwoord-van-piet-in-bravo")
    assert in_a.pk != in_b.pk
    assert login(client, b, "piet@example.nl", "wachtwoord-van-piet-in-alfa").status_code == 200
    assert login(client, b, "piet@example.nl", "wachtwoord-van-piet-in-bravo").status_code == 302
    assert int(client.session["_auth_user_id"]) == in_b.pk


def test_session_of_a_gives_nothing_at_b(client, a, b):
    factories.user(a, username="anna")
    login(client, a, "anna")
    assert client.get("/alfa/").status_code == 200
    for path in ("/bravo/", "/bravo/dashboard"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/bravo/login")
    # B's login page shows the form instead of treating the visitor as signed in.
    assert b'id="id_identifier"' in client.get("/bravo/login").content
    assert client.get("/alfa/").status_code == 200  # and A's session is untouched


def test_user_session_moved_to_b_by_editing_its_record_is_refused(client, a, b):
    """Even a session whose organisation field says B gives nothing when its user is A's."""
    factories.user(a, username="anna")
    login(client, a, "anna")
    session = client.session
    session["org"] = b.id
    session.save()
    assert client.get("/bravo/").status_code == 302


def test_unknown_organisation_is_a_dutch_404(client):
    response = client.get("/bestaat-niet/login")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_lookup_is_scoped_to_the_organisation(a, b):
    from poortwachter.accounts.services import find_by_identifier

    factories.user(a, username="anna")
    assert find_by_identifier(b, "anna") is None
    assert find_by_identifier(a, "ANNA").organisation_id == a.id
    assert User.objects.count() == 1
