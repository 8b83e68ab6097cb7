"""“Gebruikersnaam vergeten?” at /<slug>/username/forgot: an e-mail with the username(s)
of that address in this organisation, the same answer whether or not it exists, hidden
spaces forgiven, throttled, links from the public URL only."""

from datetime import timedelta

import pytest

from poortwachter.mail.requests import MailRequest
from tests import factories
from tests.signin.helpers import without_tokens

pytestmark = pytest.mark.django_db


def forgot(client, org, email, **headers):
    return client.post(f"/{org.slug}/username/forgot", {"email": email}, **headers)


def test_page_is_dutch_and_warns_about_hidden_spaces_and_other_addresses(client, org):
    html = client.get(f"/{org.slug}/username/forgot").content.decode()
    assert '<label for="id_email">E-mailadres</label>' in html
    assert "verborgen spatie" in html
    assert "ander e-mailadres" in html
    assert f'href="/{org.slug}/login"' in html


def test_username_arrives_with_the_login_link_of_the_public_url(client, org, smtp, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    factories.user(org, email="jan@example.nl", username="jdevries")
    response = forgot(client, org, "jan@example.nl", HTTP_HOST="evil.example")
    assert response.status_code == 302
    assert "hebben we de gebruikersnaam" in client.get(response.url).content.decode()
    [mail] = smtp.deliver()
    assert mail.to == ["jan@example.nl"]
    assert org.name in mail.subject
    assert "jdevries" in mail.text and "jdevries" in mail.html
    assert mail.links() == [f"{settings.PUBLIC_URL}/{org.slug}/login"]
    assert "evil.example" not in mail.text + mail.html


def test_only_the_username_of_this_organisation_is_sent(client, org, smtp):
    other = factories.organisation()
    factories.user(org, email="jan@example.nl", username="jan-hier")
    factories.user(other, email="jan@example.nl", username="jan-elders")
    forgot(client, org, "jan@example.nl")
    [mail] = smtp.deliver()
    assert "jan-hier" in mail.text and "jan-elders" not in mail.text + mail.html


@pytest.mark.parametrize("typed", ["  jan@example.nl  ", "JAN@Example.NL", "\u200bjan@example.nl",
                                   "jan\u200b@example.nl\ufeff", "jan@example.nl\u00a0",
                                   "ｊａｎ＠ｅｘａｍｐｌｅ．ｎｌ"])
def test_spaces_case_width_and_hidden_characters_still_find_the_account(client, org, smtp, typed):
    factories.user(org, email="jan@example.nl", username="jdevries")
    assert forgot(client, org, typed).status_code == 302
    [mail] = smtp.deliver()
    assert mail.to == ["jan@example.nl"] and "jdevries" in mail.text


def test_known_and_unknown_addresses_get_the_same_answer(client, org, smtp):
    factories.user(org, email="jan@example.nl")
    known = forgot(client, org, "jan@example.nl")
    unknown = forgot(client, org, "niemand@example.nl")
    assert (known.status_code, known.url, known.content) == (unknown.status_code, unknown.url, unknown.content)
    assert without_tokens(client.get(known.url).content.decode()) == \
        without_tokens(client.get(unknown.url).content.decode())
    assert MailRequest.objects.count() == 2  # one insert either way
    assert [m.to for m in smtp.deliver()] == [["jan@example.nl"]]


def test_mail_is_in_the_users_language(client, org, smtp):
    user = factories.user(org, email="jan@example.nl", username="jdevries")
    user.language = "en"
    user.save(update_fields=["language"])
    forgot(client, org, "jan@example.nl")
    [mail] = smtp.deliver()
    assert mail.subject == f"Your username for {org.name}"


def test_sixth_request_in_an_hour_sends_no_mail_but_answers_the_same(client, org, smtp, clock):
    factories.user(org, email="jan@example.nl")
    answers = {(r.status_code, r.url) for r in (forgot(client, org, "jan@example.nl") for _ in range(6))}
    assert len(answers) == 1
    assert len(smtp.deliver()) == 5
    clock.advance(timedelta(hours=1))
    forgot(client, org, "jan@example.nl")
    assert len(smtp.deliver()) == 1


@pytest.mark.parametrize("typed, message", [
    ("geen-adres", "geen geldig e-mailadres"),
    ("jan@", "geen geldig e-mailadres"),
    ("jan@@example.nl", "geen geldig e-mailadres"),
    ("jan de vries@example.nl", "geen geldig e-mailadres"),
    ("", "Dit veld is verplicht."),
    ("x" * 10000 + "@example.nl", "hoogstens"),
])
def test_garbage_and_overlong_input_is_explained_and_records_nothing(client, org, typed, message):
    response = forgot(client, org, typed)
    html = response.content.decode()
    assert response.status_code == 200 and message in html and 'role="alert"' in html
    assert MailRequest.objects.count() == 0



def test_sending_a_reminder_is_audited_with_the_requesting_address(client, org, smtp):
    from poortwachter.security.audit import AuditEvent

    user = factories.user(org, email="audit@example.nl")
    client.post(f"/{org.slug}/username/forgot", {"email": "audit@example.nl"}, REMOTE_ADDR="192.0.2.44")
    smtp.deliver()
    event = AuditEvent.objects.get(type="username_reminder.sent")
    assert (event.subject_id, event.organisation_id, event.source) == (user.id, org.id, "192.0.2.44")
