"""Managing apps: the organisation console (admins only, re-authentication for changes,
a secret shown once) and the command line."""

import hashlib
import json
import re
from datetime import timedelta

import pytest

from poortwachter import cli
from poortwachter.oidc.models import App
from tests import factories
from tests.console.conftest import accept_current_terms
from tests.signin.helpers import login


@pytest.fixture
def admin(org):
    user = factories.user(org, roles=("beheerder",))
    accept_current_terms(user)
    return user


def apps_url(org, rest=""):
    return f"/{org.slug}/console/apps/{rest}"


FORM = {"name": "Planner", "kind": "confidential", "redirect_uris": "https://planner.example.nl/cb",
        "post_logout_redirect_uris": "", "allowed_scopes": "openid email", "backchannel_logout_uri": "",
        "id_token_alg": "ES256"}


def test_an_admin_registers_an_app_and_sees_its_secret_once(client, org, admin):
    login(client, org, admin.username)
    response = client.post(apps_url(org, "new"), FORM)
    assert response.status_code == 200
    secret = re.search(r'id="client-secret">([^<]+)<', response.content.decode()).group(1)
    app = App.objects.get(organisation=org, name="Planner")
    assert app.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert app.redirect_uris == ["https://planner.example.nl/cb"] and app.allowed_scopes == "openid email"
    listing = client.get(apps_url(org)).content.decode()
    assert "Planner" in listing and secret not in listing


def test_a_dangerous_redirect_uri_is_refused_with_a_message_and_nothing_saved(client, org, admin):
    login(client, org, admin.username)
    response = client.post(apps_url(org, "new") + "?lang=en", {**FORM, "redirect_uris": "javascript:alert(1)"})
    assert response.status_code == 400 and "not a valid redirect address" in response.content.decode()
    assert not App.objects.exists()


def test_an_admin_changes_an_app_and_rotates_its_secret(client, org, admin, web_app):
    login(client, org, admin.username)
    response = client.post(apps_url(org, f"{web_app.pk}/"), {**FORM, "name": "Webwinkel 2"})
    assert response.status_code == 302
    assert App.objects.get(pk=web_app.pk).name == "Webwinkel 2"
    old_hash = App.objects.get(pk=web_app.pk).secret_hash
    rotated = client.post(apps_url(org, f"{web_app.pk}/secret"))
    assert rotated.status_code == 200 and App.objects.get(pk=web_app.pk).secret_hash != old_hash


def test_changes_need_a_recent_proof_of_identity(client, org, admin, web_app, clock):
    login(client, org, admin.username)
    clock.advance(timedelta(minutes=6))
    response = client.post(apps_url(org, f"{web_app.pk}/secret"))
    assert response.status_code == 302 and "/reauth" in response["Location"]
    assert App.objects.get(pk=web_app.pk).secret_hash == hashlib.sha256(web_app.secret.encode()).hexdigest()


def test_a_person_without_console_rights_gets_403(client, org, user, web_app):
    login(client, org, user.username)
    assert client.get(apps_url(org)).status_code == 403
    assert client.post(apps_url(org, f"{web_app.pk}/delete")).status_code == 403
    assert App.objects.filter(pk=web_app.pk).exists()


def test_an_admin_of_b_cannot_touch_apps_of_a(client, org, web_app):
    org_b = factories.organisation()
    admin_b = factories.user(org_b, roles=("beheerder",))
    accept_current_terms(admin_b)
    login(client, org_b, admin_b.username)
    assert web_app.name not in client.get(apps_url(org_b)).content.decode()
    assert client.get(apps_url(org_b, f"{web_app.pk}/")).status_code == 404
    assert client.post(apps_url(org_b, f"{web_app.pk}/delete")).status_code == 404
    assert App.objects.filter(pk=web_app.pk).exists()


def test_an_admin_deletes_an_app(client, org, admin, web_app):
    login(client, org, admin.username)
    assert client.post(apps_url(org, f"{web_app.pk}/delete")).status_code == 302
    assert not App.objects.filter(pk=web_app.pk).exists()


def test_cli_creates_lists_rotates_and_deletes_apps(org, capsys):
    assert cli.main(["createapp", org.slug, "Rapportage", "--type", "public", "--redirect-uri",
                     "http://localhost:5173/cb", "--client-id", "rapportage"]) == 0
    assert "client_id     rapportage" in capsys.readouterr().out
    assert cli.main(["listapps", org.slug]) == 0
    listed = json.loads(capsys.readouterr().out.splitlines()[0])
    assert listed["client_id"] == "rapportage" and listed["type"] == "public"
    assert cli.main(["rotatesecret", org.slug, "rapportage"]) == 2  # a public app has no secret
    assert cli.main(["deleteapp", org.slug, "rapportage"]) == 0
    assert not App.objects.exists()


def test_cli_refuses_a_bad_redirect_uri_in_one_line(org, capsys):
    assert cli.main(["createapp", org.slug, "X", "--redirect-uri", "http://evil.example/cb"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("poortwachter: ") and len(err.strip().splitlines()) == 1
    assert not App.objects.exists()


def test_cli_rotatesecret_prints_a_secret_that_works(client, org, user, web_app, capsys):
    assert cli.main(["rotatesecret", org.slug, web_app.client_id]) == 0
    secret = re.search(r"^Nieuw geheim voor .*?: (\S+)", capsys.readouterr().out, re.MULTILINE).group(1)
    assert App.objects.get(pk=web_app.pk).secret_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_the_demo_organisation_has_the_demo_app(db):
    from poortwachter.tenants.demo import ensure_demo

    organisation = ensure_demo()
    app = App.objects.get(organisation=organisation, client_id="demo-app")
    assert app.kind == "public" and app.redirect_uris[0].endswith("/_demo-app/callback")
    ensure_demo()  # again: still one
    assert App.objects.filter(client_id="demo-app").count() == 1
