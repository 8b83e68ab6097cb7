"""Policies and branding over HTTP."""

import base64
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from poortwachter.console import policy_form
from poortwachter.mail.models import OutboxMessage
from poortwachter.security.audit import AuditEvent
from poortwachter.tenants.policy import Policy
from tests import factories
from tests.console.conftest import base

pytestmark = pytest.mark.django_db

# A 1x1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def policy_data(org, **changes):
    form = policy_form.PolicyForm(instance=Policy.objects.get(pk=org.pk))
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_every_policy_field_is_on_the_page_with_its_default(console, org):
    page = console.get(base(org) + "policies?lang=en")
    text = page.content.decode()
    for field in Policy._meta.get_fields():
        if field.concrete and field.name != "organisation":
            assert f'name="{field.name}"' in text, field.name
    assert "Default: 720" in text and "Default: 60" in text


def test_change_a_policy_and_it_is_audited_with_what_changed(console, org, admin):
    response = console.post(base(org) + "policies", policy_data(org, idle_minutes=60, password_max_age_days=90))
    assert response.status_code == 302
    policy = Policy.objects.get(pk=org.pk)
    assert policy.idle_minutes == 60 and policy.password_max_age_days == 90
    reasons = set(AuditEvent.objects.filter(type="policy.changed", actor=admin).values_list("reason", flat=True))
    assert reasons == {"idle_minutes: 720 -> 60", "password_max_age_days: None -> 90"}


@pytest.mark.parametrize("changes", [
    {"idle_minutes": -5}, {"reset_link_minutes": 0}, {"password_min_length": 7}, {"password_min_length": 65},
    {"lockout_first_seconds": 600, "lockout_max_seconds": 300}, {"lockout_permanent_after": 10, "lockout_after_failures": 10},
    {"allow_password": None, "allow_magic_link": None}, {"two_factor": "soms"}, {"absolute_days": "veel"},
])
def test_bad_policy_values_are_refused_and_nothing_changes(console, org, changes):
    before = Policy.objects.filter(pk=org.pk).values().get()
    response = console.post(base(org) + "policies", policy_data(org, **changes))
    assert response.status_code == 400 and response.context["form"].errors
    assert Policy.objects.filter(pk=org.pk).values().get() == before
    assert not AuditEvent.objects.filter(type="policy.changed").exists()


def test_new_policy_applies_at_once(console, org, clock):
    console.post(base(org) + "policies", policy_data(org, idle_minutes=30))
    someone = Client()
    factories.user(org, username="snel")
    from tests.signin.helpers import login

    login(someone, org, "snel")
    clock.advance(timedelta(minutes=31))
    assert someone.get(f"/{org.slug}/").status_code == 302


def test_policies_ask_for_reauthentication(console, org, clock):
    clock.advance(timedelta(minutes=6))
    response = console.post(base(org) + "policies", policy_data(org, idle_minutes=60))
    assert response.status_code == 302 and "/reauth" in response["Location"]
    assert Policy.objects.get(pk=org.pk).idle_minutes == 720


# --- branding ----------------------------------------------------------------------------------

def test_branding_shows_on_the_login_page(console, org, admin):
    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    response = console.post(base(org) + "branding", {"display_name": "Acme Zorg", "accent": "teal", "logo": logo})
    assert response.status_code == 302
    page = Client().get(f"/{org.slug}/login").content.decode()
    assert "Acme Zorg" in page and 'class="accent-teal"' in page and "console-branding.css" in page
    assert 'src="data:image/png;base64,' in page
    assert AuditEvent.objects.filter(type="branding.changed", actor=admin, reason="display_name,accent,logo").exists()


def test_login_page_keeps_a_strict_csp_with_branding(console, org):
    console.post(base(org) + "branding", {"display_name": "Acme", "accent": "red"})
    response = Client().get(f"/{org.slug}/login")
    csp = response["Content-Security-Policy"]
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert ' style="' not in response.content.decode()


def test_branding_of_a_stays_with_a(console, org, other_org):
    console.post(base(org) + "branding", {"display_name": "Alleen A", "accent": "green"})
    page = Client().get(f"/{other_org.slug}/login").content.decode()
    assert "Alleen A" not in page and "accent-green" not in page


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("x.svg", b"<svg onload='alert(1)'></svg>", content_type="image/svg+xml"),
    SimpleUploadedFile("groot.png", PNG + b"0" * 70000, content_type="image/png"),
])
def test_bad_logo_is_refused(console, org, upload):
    response = console.post(base(org) + "branding", {"display_name": "X", "accent": "blue", "logo": upload})
    assert response.status_code == 400 and "logo" in response.context["form"].errors
    assert "X" not in Client().get(f"/{org.slug}/login").content.decode().split("<title>")[1][:40]


def test_unknown_accent_is_refused(console, org):
    response = console.post(base(org) + "branding", {"display_name": "", "accent": "#ff0000"})
    assert response.status_code == 400


def test_branding_is_used_in_console_emails(console, org):
    console.post(base(org) + "branding", {"display_name": "Acme Zorg", "accent": "teal"})
    person = factories.user(org, email="merk@example.nl")
    console.post(base(org) + f"users/{person.pk}/email", {"email": "merk2@example.nl"})
    mail = OutboxMessage.objects.filter(to="merk2@example.nl").get()
    assert "Acme Zorg" in mail.text_body and "#0f6b6b" in mail.html_body
