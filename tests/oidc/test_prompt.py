"""Who counts as signed in for an app: prompt=none never shows a page, prompt=login and
max_age demand a fresh sign-in, a sign-in waiting for its second step is not one."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from poortwachter.signin.record import PendingSignin
from tests.oidc import helpers
from tests.oidc.flows import authorize
from tests.signin.helpers import login


def test_nobody_signed_in_is_sent_to_the_login_page_and_back(client, org, user, web_app):
    response = authorize(client, org, web_app, login_hint=user.email)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == f"/{org.slug}/login"
    query = parse_qs(location.query)
    assert query["login_hint"] == [user.email]
    signed_in = login(client, org, user.username, next=query["next"][0])
    back = client.get(signed_in["Location"])
    assert back["Location"].startswith(helpers.CALLBACK + "?code=")


def test_prompt_none_without_a_session_answers_login_required(client, org, web_app):
    query = helpers.query_of(authorize(client, org, web_app, prompt="none")["Location"])
    assert query["error"] == "login_required" and query["state"] == "st"


def test_prompt_none_with_a_session_returns_a_code_without_a_page(client, org, user, web_app):
    login(client, org, user.username)
    assert "code" in helpers.query_of(authorize(client, org, web_app, prompt="none")["Location"])


def test_prompt_login_signs_the_person_out_and_asks_again(client, org, user, web_app):
    login(client, org, user.username)
    response = authorize(client, org, web_app, prompt="login")
    assert urlsplit(response["Location"]).path == f"/{org.slug}/login"
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    assert "prompt" not in next_url
    assert client.get(f"/{org.slug}/").status_code == 302  # signed out


def test_max_age_exceeded_asks_for_a_fresh_sign_in(client, org, user, web_app, clock):
    login(client, org, user.username)
    clock.advance(timedelta(minutes=5))
    assert "code" in helpers.query_of(authorize(client, org, web_app, max_age="600")["Location"])
    response = authorize(client, org, web_app, max_age="60")
    assert urlsplit(response["Location"]).path == f"/{org.slug}/login"


def test_max_age_exceeded_with_prompt_none_answers_login_required(client, org, user, web_app, clock):
    login(client, org, user.username)
    clock.advance(timedelta(minutes=5))
    query = helpers.query_of(authorize(client, org, web_app, max_age="60", prompt="none")["Location"])
    assert query["error"] == "login_required"


def test_a_sign_in_waiting_for_its_second_step_is_not_signed_in(client, org, user, web_app):
    session = client.session
    PendingSignin(user_id=user.pk, organisation_id=org.pk, amr=["pwd"]).save(session)
    session.save()
    client.cookies["poortwachter"] = session.session_key
    query = helpers.query_of(authorize(client, org, web_app, prompt="none")["Location"])
    assert query["error"] == "login_required"


def test_a_blocked_person_gets_no_code(client, org, user, web_app):
    from poortwachter.accounts import services

    login(client, org, user.username)
    services.block(user, reason="test")
    query = helpers.query_of(authorize(client, org, web_app, prompt="none")["Location"])
    assert query["error"] == "login_required"


def test_scopes_the_app_may_not_ask_for_are_refused(client, org, user):
    app = helpers.make_app(org, allowed_scopes="openid email")
    login(client, org, user.username)
    query = helpers.query_of(authorize(client, org, app, scope="openid roles")["Location"])
    assert query["error"] == "invalid_scope"
    assert helpers.query_of(authorize(client, org, app, scope="email")["Location"])["error"] == "invalid_scope"


def test_request_objects_are_not_supported(client, org, user, web_app):
    login(client, org, user.username)
    query = helpers.query_of(authorize(client, org, web_app, request="eyJ...")["Location"])
    assert query["error"] == "request_not_supported"
