"""After the password is proven, a blocked organisation or account gets its own clear
message and no session. Before it is proven, nobody learns anything."""

from datetime import date, timedelta

import pytest

from poortwachter.accounts.models import UserStatus
from poortwachter.tenants.services import set_status
from tests import factories
from tests.signin.helpers import login, without_tokens

pytestmark = pytest.mark.django_db

MESSAGES = {
    "blocked_payment": "openstaande facturen",
    "cancelled": "is opgezegd",
    "suspended": "voorlopig opgeschort",
}


def _signed_in(client, org) -> bool:
    return client.get(f"/{org.slug}/").status_code == 200


@pytest.mark.parametrize("status", sorted(MESSAGES))
def test_blocked_organisation_says_so_after_the_right_password(client, org, status):
    factories.user(org, username="lid")
    org.contact = "support@operator.example"
    org.save()
    set_status(org, status)
    response = login(client, org, "lid")
    html = response.content.decode()
    assert response.status_code == 403
    assert MESSAGES[status] in html and org.name in html and "support@operator.example" in html
    assert not _signed_in(client, org)


@pytest.mark.parametrize("status", sorted(MESSAGES))
def test_blocked_organisation_with_wrong_password_gets_the_ordinary_answer(client, org, status):
    factories.user(org, username="lid")
    baseline = login(client, org, "lid", "verkeerd-wachtwoord-123")
    set_status(org, status)
    response = login(client, org, "lid", "verkeerd-wachtwoord-123")
    assert response.status_code == baseline.status_code == 200
    assert without_tokens(response.content.decode()) == without_tokens(baseline.content.decode())


def test_trial_past_its_end_date_blocks_like_arrears(client, org, clock):
    factories.user(org, username="proef")
    set_status(org, "trial", date.today() + timedelta(days=3))
    assert login(client, org, "proef").status_code == 302  # trial running
    client.post(f"/{org.slug}/logout")
    clock.advance(timedelta(days=5))
    response = login(client, org, "proef")
    assert response.status_code == 403
    assert "De proefperiode van" in response.content.decode()
    assert not _signed_in(client, org)


def test_blocked_user_gets_their_message_and_the_reason(client, org):
    user = factories.user(org, username="geblokkeerd")
    user.status, user.blocked_reason = UserStatus.BLOCKED, "Contract beëindigd"
    user.save()
    response = login(client, org, "geblokkeerd")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Uw account is geblokkeerd door een beheerder" in html and "Contract beëindigd" in html
    assert not _signed_in(client, org)
    wrong = login(client, org, "geblokkeerd", "verkeerd-wachtwoord-123")
    assert "Uw account is geblokkeerd" not in wrong.content.decode()
    assert "horen niet bij elkaar" in wrong.content.decode()


def test_not_yet_activated_user_with_a_password_is_told_to_activate(client, org):
    user = factories.user(org, username="nieuw")
    user.status = UserStatus.PENDING
    user.save()
    response = login(client, org, "nieuw")
    assert response.status_code == 403
    assert "nog niet geactiveerd" in response.content.decode()


def test_pending_user_without_password_gets_the_ordinary_answer(client, org):
    factories.user(org, username="uitgenodigd", password=None)
    response = login(client, org, "uitgenodigd", "wat-dan-ook-1234567")
    assert response.status_code == 200
    assert "horen niet bij elkaar" in response.content.decode()


def test_blocking_a_signed_in_user_ends_their_session(client, org):
    user = factories.user(org, username="later-geblokkeerd")
    login(client, org, "later-geblokkeerd")
    assert _signed_in(client, org)
    user.status = UserStatus.BLOCKED
    user.save()
    assert not _signed_in(client, org)


def test_suspending_the_organisation_ends_running_sessions(client, org):
    factories.user(org, username="bezig")
    login(client, org, "bezig")
    set_status(org, "suspended")
    assert not _signed_in(client, org)
