"""Test helpers: apps made through the real registration service, and a transport that
lets Authlib's own OAuth 2 client (the third-party code under which the protocol runs)
speak to Django's test client. The protocol work (authorization URL, PKCE, client
authentication, token parsing) is Authlib's; this file only moves bytes."""

import json
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.oauth2.client import OAuth2Client
from django.conf import settings

from poortwachter.oidc.registration import create_app
from tests import factories
from tests.signin.helpers import login

CALLBACK = "https://app.example.nl/callback"
LOGOUT_DONE = "https://app.example.nl/signed-out"


def make_app(org, kind="confidential", name="Webwinkel", redirect_uris=(CALLBACK,), **fields):
    fields.setdefault("post_logout_redirect_uris", [LOGOUT_DONE] if redirect_uris else [])
    app, secret = create_app(org, name, kind=kind, redirect_uris=list(redirect_uris), **fields)
    app.secret = secret
    return app


def issuer(org) -> str:
    return f"{settings.PUBLIC_URL}/{org.slug}"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Response:
    def __init__(self, django_response):
        self.status_code = django_response.status_code
        self.headers = django_response.headers
        self.content = django_response.content
        self.text = self.content.decode()

    def json(self):
        return json.loads(self.content)

    def raise_for_status(self):
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}: {self.text}")


class DjangoTransport:
    """What Authlib's OAuth2Client expects of a `requests.Session`, over the test client."""

    def __init__(self, client):
        self.client = client

    def post(self, url, data=None, headers=None, auth=None, **kwargs):
        body, headers = urlencode(data or {}), dict(headers or {})
        if auth is not None:
            url, headers, body = auth.prepare("POST", url, headers, body)
        headers.pop("Content-Type", None)
        return Response(self.client.post(path_of(url), data=body, headers=headers,
                                         content_type="application/x-www-form-urlencoded"))

    def request(self, method, url, headers=None, auth=None, **kwargs):
        if method.upper() == "POST":
            return self.post(url, headers=headers, auth=auth, **kwargs)
        return Response(self.client.get(path_of(url), headers=headers or {}))

    def get(self, url, headers=None):
        return Response(self.client.get(path_of(url), headers=headers or {}))


def oauth_client(client, org, app, **kwargs) -> OAuth2Client:
    kwargs.setdefault("scope", "openid profile email roles")
    kwargs.setdefault("redirect_uri", CALLBACK)
    kwargs.setdefault("code_challenge_method", "S256")
    return OAuth2Client(DjangoTransport(client), client_id=app.client_id, client_secret=getattr(app, "secret", None),
                        token_endpoint=f"{issuer(org)}/oidc/token", **kwargs)


def follow_to_app(browser, url: str, person=None, password=factories.PASSWORD, max_hops: int = 6):
    """Follow redirects in the browser (a test client) from `url` until they leave for the
    app; signs `person` in when the login page asks. Returns the app URL it lands on."""
    for _ in range(max_hops):
        response = browser.get(path_of(url))
        if response.status_code != 302:
            return response
        url = response["Location"]
        if not url.startswith("/"):
            return url
        if url.startswith(f"/{person.organisation.slug}/login") if person else False:
            next_url = parse_qs(urlsplit(url).query).get("next", [""])[0]
            signed_in = login(browser, person.organisation, person.username, password, next=next_url)
            assert signed_in.status_code == 302, signed_in.content[:500]
            url = signed_in["Location"]
    raise AssertionError("too many redirects")


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
