"""“Welke website moet ik gebruiken?” at the root page: one e-mail listing the sign-in page
of every organisation where the address has an account; the same answer when there is
none, and then no mail at all."""

import pytest
from django.conf import settings

from poortwachter.mail.requests import MailRequest
from tests import factories
from tests.signin.helpers import without_tokens

pytestmark = pytest.mark.django_db


def ask(client, email, **headers):
    return client.post("/", {"email": email}, **headers)


def test_root_page_explains_and_offers_the_list(client):
    html = client.get("/").content.decode()
    assert "Elke organisatie heeft een eigen aanmeldpagina" in html
    assert "Welke website moet ik gebruiken?" in html
    assert '<label for="id_email">E-mailadres</label>' in html


def test_lists_exactly_the_portals_where_the_address_has_an_account(client, smtp, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    first = factories.organisation(slug="bakkerij", name="Bakkerij de Korst")
    second = factories.organisation(slug="fietsen", name="Fietsen & Zo")
    third = factories.organisation(slug="derde", name="Derde Partij")
    factories.user(first, email="jan@example.nl")
    factories.user(second, email="Jan@Example.nl", password=None)  # not yet activated: still listed
    factories.user(third, email="iemand-anders@example.nl")
    assert ask(client, " JAN@example.nl\u200b", HTTP_HOST="evil.example").status_code == 302
    [mail] = smtp.deliver()
    assert mail.to == ["jan@example.nl"]
    assert sorted(mail.links()) == [f"{settings.PUBLIC_URL}/bakkerij/login", f"{settings.PUBLIC_URL}/fietsen/login"]
    assert "Bakkerij de Korst" in mail.text and "Fietsen & Zo" in mail.text
    assert "Fietsen &amp; Zo" in mail.html
    assert "Derde Partij" not in mail.text + mail.html
    assert "evil.example" not in mail.text + mail.html


def test_known_and_unknown_addresses_get_the_same_answer_and_unknown_gets_no_mail(client, smtp):
    factories.user(factories.organisation(), email="jan@example.nl")
    known, unknown = ask(client, "jan@example.nl"), ask(client, "niemand@example.nl")
    assert (known.status_code, known.url, known.content) == (unknown.status_code, unknown.url, unknown.content)
    page = client.get(known.url).content.decode()
    assert without_tokens(page) == without_tokens(client.get(unknown.url).content.decode())
    assert "hebben we er een lijst" in page
    assert MailRequest.objects.count() == 2
    assert [m.to for m in smtp.deliver()] == [["jan@example.nl"]]


def test_sixth_request_in_an_hour_sends_no_mail(client, smtp):
    factories.user(factories.organisation(), email="jan@example.nl")
    assert len({ask(client, "jan@example.nl").url for _ in range(6)}) == 1
    assert len(smtp.deliver()) == 5


@pytest.mark.parametrize("typed, message", [
    ("jan@", "geen geldig e-mailadres"),
    ("jan,example.nl", "geen geldig e-mailadres"),
    ("", "Dit veld is verplicht."),
    ("j" * 10000, "hoogstens"),
])
def test_garbage_and_overlong_input_is_explained_and_records_nothing(client, typed, message):
    response = ask(client, typed)
    assert response.status_code == 200 and message in response.content.decode()
    assert "Elke organisatie heeft een eigen aanmeldpagina" in response.content.decode()
    assert MailRequest.objects.count() == 0


def test_english_page_sends_an_english_list(client, smtp):
    factories.user(factories.organisation(name="Bakkerij"), email="jan@example.nl")
    client.post("/?lang=en", {"email": "jan@example.nl"})
    [mail] = smtp.deliver()
    assert mail.subject == "Your sign-in pages" and settings.PUBLIC_URL in mail.text
