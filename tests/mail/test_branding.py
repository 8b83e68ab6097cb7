"""The organisation's branding reaches its e-mails: display name and accent colour."""

import pytest

from poortwachter.console import branding
from poortwachter.console.models import Branding
from poortwachter.mail import outbox

pytestmark = pytest.mark.django_db


def test_mail_shows_the_display_name_and_the_accent_colour(user, org):
    Branding.objects.create(organisation=org, display_name="Bakker & Zn Portaal", accent="red")
    branding._found.clear()
    message = outbox.queue("password_reset", user.email, {"user": user, "link": "https://x.example/l", "minutes": 60},
                           organisation=org)
    assert "Bakker &amp; Zn Portaal" in message.html_body
    assert branding.ACCENTS["red"][0] in message.html_body


def test_without_branding_the_organisation_name_and_house_colour(user, org):
    branding._found.clear()
    message = outbox.queue("password_reset", user.email, {"user": user, "link": "https://x.example/l", "minutes": 60},
                           organisation=org)
    assert org.name in message.html_body and "#1f5f8b" in message.html_body
