"""A half-finished sign-in (password right, second step not done) gives nothing anywhere:
every page and endpoint of the organisation is tried, with GET and POST, and none shows the
person's data or grants a session. Restarting the flow leads to the same step."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from poortwachter.signin.models import Session
from tests.second_step import set_up_app
from tests.signin.helpers import login

pytestmark = pytest.mark.django_db

FILLERS = {"int": "1", "str": "x" * 43, "slug": "x", "uuid": "00000000-0000-0000-0000-000000000000", "path": "x"}


def organisation_paths(slug: str) -> list[str]:
    """Every URL under /<slug>/, with made-up values for its parameters."""
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern):
                found.append(route)

    walk(get_resolver().url_patterns, "")
    paths = []
    for route in found:
        if not route.startswith("<slug:organisation_slug>/"):
            continue
        route = route.replace("<slug:organisation_slug>", slug).lstrip("^").rstrip("$")
        route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: FILLERS.get(m.group(1) or "str", "x"), route)
        paths.append("/" + route)
    return sorted(set(paths))


def test_every_page_and_endpoint_of_the_organisation_is_tried(org):
    paths = organisation_paths(org.slug)
    assert f"/{org.slug}/settings/" in paths and f"/{org.slug}/dashboard" in paths
    assert len(paths) > 25


def test_a_half_finished_sign_in_gets_nothing_anywhere(client, org, user):
    set_up_app(user)
    assert login(client, org, user.username)["Location"].endswith("/login/second-step")
    for path in organisation_paths(org.slug):
        for method in (client.get, client.post):
            response = method(path)
            body = response.content.decode(errors="replace")
            assert response.status_code != 500, path
            assert user.email not in body and user.username not in body, (method.__name__, path)
            assert "_auth_user_id" not in client.session, path
    assert not Session.objects.filter(user=user).exists()


def test_restarting_the_sign_in_leads_to_the_same_step(client, org, user):
    set_up_app(user)
    login(client, org, user.username)
    response = login(client, org, user.username)
    assert response["Location"] == f"/{org.slug}/login/second-step"
    assert client.get(f"/{org.slug}/login").status_code == 200  # the form again, nothing granted
    assert "_auth_user_id" not in client.session
