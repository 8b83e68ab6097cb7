"""Maximum password age (off by default; 90 days in the demo, as q1000 describes): a forced
change at sign-in, before any session is granted."""

from datetime import timedelta

import pytest

from tests import factories
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db

NEW = "nieuw-voorjaar-wachtwoord-2027"


@pytest.fixture
def org90(db):
    return factories.organisation(policy={"password_max_age_days": 90})


def test_off_by_default(client, org, clock):
    factories.user(org, username="oud")
    clock.advance(timedelta(days=1000))
    assert login(client, org, "oud")["Location"] == f"/{org.slug}/dashboard"


def test_expired_password_must_be_changed_before_anything_else(client, org90, clock):
    user = factories.user(org90, username="verlopen")
    clock.advance(timedelta(days=91))
    response = login(client, org90, "verlopen")
    assert response["Location"] == f"/{org90.slug}/login/password-expired"
    page = client.get(response["Location"]).content.decode()
    assert "elke 90 dagen een nieuw wachtwoord" in page
    # Half-way there is no session: every page still asks to sign in.
    for path in ("", "dashboard"):
        assert client.get(f"/{org90.slug}/{path}").status_code == 302
    assert "_auth_user_id" not in client.session

    refused = client.post(response["Location"], {"new_password": "kort", "confirm_password": "kort"})
    assert "te kort" in refused.content.decode()
    mismatch = client.post(response["Location"], {"new_password": NEW, "confirm_password": NEW + "x"})
    assert "niet gelijk" in mismatch.content.decode()

    done = client.post(response["Location"], {"new_password": NEW, "confirm_password": NEW})
    assert done["Location"] == f"/{org90.slug}/dashboard"
    assert client.get(f"/{org90.slug}/dashboard").status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_step_page_without_a_pending_sign_in_goes_to_login(client, org90):
    response = client.get(f"/{org90.slug}/login/password-expired")
    assert response["Location"] == f"/{org90.slug}/login"


def test_wrong_password_never_reaches_the_step(client, org90, clock):
    factories.user(org90, username="verlopen")
    clock.advance(timedelta(days=91))
    assert login(client, org90, "verlopen", "niet-het-wachtwoord-123").status_code == 200


def test_pending_sign_in_of_one_organisation_gives_nothing_at_another(client, org90, clock):
    other = factories.organisation()
    factories.user(org90, username="verlopen")
    clock.advance(timedelta(days=91))
    login(client, org90, "verlopen")
    assert client.get(f"/{other.slug}/login/password-expired")["Location"] == f"/{other.slug}/login"
