"""The user list (search, filters, pages) and creating users, over HTTP."""

import re
from datetime import timedelta

import pytest

from poortwachter import clock as clock_module
from poortwachter.accounts.models import Role, User
from poortwachter.console import user_list
from poortwachter.mail.models import OutboxMessage
from poortwachter.methods.models import Authenticator
from poortwachter.security.audit import AuditEvent
from tests import factories
from tests.console.conftest import base

pytestmark = pytest.mark.django_db


def names_on(page) -> list[str]:
    return re.findall(r'console/users/\d+/">([^<]+)</a>', page.content.decode())


def test_list_shows_only_this_organisation(console, org, other_org):
    factories.user(org, username="anna", name="Anna Appel")
    factories.user(other_org, username="anna", name="Anna Anders")
    page = console.get(base(org) + "users/")
    assert "Anna Appel" in names_on(page) and "Anna Anders" not in names_on(page)


def test_search_by_start_of_username_email_or_name(console, org):
    factories.user(org, username="pietje", email="p.puk@voorbeeld.nl", name="Pietje Puk")
    factories.user(org, username="klaas", email="klaas@voorbeeld.nl", name="Klaas Vaak")
    for typed in ("piet", "PIET", "p.puk@", "Pietje P", "pietje puk"):
        assert names_on(console.get(base(org) + "users/", {"q": typed})) == ["Pietje Puk"], typed
    assert names_on(console.get(base(org) + "users/", {"q": "uk"})) == []  # a prefix, not anywhere


def test_filters_by_status_role_second_step_and_last_sign_in(console, org, admin):
    pending = factories.user(org, username="wachtend", name="Wachtend", password=None)
    blocked = factories.user(org, username="geblokkeerd", name="Geblokkeerd")
    blocked.status = "blocked"
    blocked.save()
    with_app = factories.user(org, username="metapp", name="Met App")
    Authenticator.objects.create(organisation=org, user=with_app, kind="totp")
    old = factories.user(org, username="oud", name="Oud")
    User.objects.filter(pk=old.pk).update(last_login=clock_module.now() - timedelta(days=200))
    get = lambda **q: set(names_on(console.get(base(org) + "users/", q)))  # noqa: E731
    assert get(status="pending") == {"Wachtend"}
    assert get(status="blocked") == {"Geblokkeerd"}
    assert get(role=Role.objects.get(organisation=org, name="beheerder").pk) == {"Bea Beheer"}
    assert get(second_step="on") == {"Met App"}
    assert "Met App" not in get(second_step="off")
    assert get(signed_in="7") == {"Bea Beheer"}  # signed in by the fixture just now
    assert get(signed_in="not90") >= {"Oud", "Wachtend"} and "Bea Beheer" not in get(signed_in="not90")
    assert "Oud" not in get(signed_in="never") and "Wachtend" in get(signed_in="never")
    assert pending.pk


def test_role_of_another_organisation_is_not_a_filter(console, org, other_org):
    foreign = Role.objects.get(organisation=other_org, name="beheerder")
    response = console.get(base(org) + "users/", {"role": foreign.pk})
    assert response.status_code == 200 and "role" in response.context["form"].errors


def test_pages_follow_each_other_without_gaps(console, org, monkeypatch):
    monkeypatch.setattr(user_list, "PAGE_SIZE", 3)
    for n in range(7):
        factories.user(org, username=f"p{n}", name=f"P{n}")
    seen, url, pages = [], base(org) + "users/?q=p", 0
    while url:
        page = console.get(url)
        seen += names_on(page)
        pages += 1
        found = re.search(r'rel="next" href="([^"]+)"', page.content.decode())
        url = base(org) + "users/" + found.group(1).replace("&amp;", "&") if found else None
    assert seen == [f"P{n}" for n in range(7)] and pages == 3
    # And back: the previous page of the last one is the middle one.
    last = console.get(base(org) + "users/", {"q": "p", "after": "p5"})
    back = re.search(r'rel="prev" href="([^"]+)"', last.content.decode()).group(1).replace("&amp;", "&")
    assert names_on(console.get(base(org) + "users/" + back)) == ["P3", "P4", "P5"]


def test_count_is_bounded(org, monkeypatch):
    monkeypatch.setattr(user_list, "COUNT_BOUND", 2)
    for _ in range(3):
        factories.user(org)
    found = user_list.page(org, user_list.Filters())
    assert found.more_than_bound and found.count == 2


def test_create_user_sends_welcome_mail_and_audits(console, org, admin):
    medewerker = Role.objects.get(organisation=org, name="medewerker")
    response = console.post(base(org) + "users/new", {"email": "nieuw@example.nl", "name": "Nina Nieuw",
                                                      "username": "nina", "roles": [medewerker.pk]})
    user = User.objects.get(organisation=org, username="nina")
    assert response.status_code == 302 and response["Location"] == f"/{org.slug}/console/users/{user.pk}/?done=created"
    assert user.status == "pending" and list(user.roles.all()) == [medewerker]
    mail = OutboxMessage.objects.get(to="nieuw@example.nl")
    assert mail.template == "welcome" and f"/{org.slug}/activate/" in mail.text_body
    assert AuditEvent.objects.filter(type="user.created", actor=admin, subject=user).exists()
    assert AuditEvent.objects.filter(type="activation.sent", subject=user).exists()


@pytest.mark.parametrize("data, field", [
    ({"email": "niet-een-adres"}, "email"),
    ({"email": "dubbel@example.nl", "username": "ander"}, None),  # address taken
    ({"email": "uniek@example.nl", "username": "dubbel"}, None),  # username taken
    ({"email": "x@example.nl", "username": "met spatie"}, None),
])
def test_create_refuses_bad_input_and_changes_nothing(console, org, data, field):
    factories.user(org, email="dubbel@example.nl", username="dubbel")
    before = User.objects.count(), OutboxMessage.objects.count()
    response = console.post(base(org) + "users/new?lang=en", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(field or "__all__")
    assert (User.objects.count(), OutboxMessage.objects.count()) == before


def test_create_with_role_of_another_organisation_is_refused(console, org, other_org):
    foreign = Role.objects.get(organisation=other_org, name="beheerder")
    response = console.post(base(org) + "users/new", {"email": "x@example.nl", "roles": [foreign.pk]})
    assert response.status_code == 200 and "roles" in response.context["form"].errors
    assert not User.objects.filter(email="x@example.nl").exists()


def test_create_page_shows_existing_address_message_in_english(console, org):
    factories.user(org, email="dubbel@example.nl")
    page = console.post(base(org) + "users/new?lang=en", {"email": "dubbel@example.nl"}).content.decode()
    assert "This organisation already has a user with that e-mail address." in page
