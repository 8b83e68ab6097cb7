"""A browser app's JavaScript, on an origin of its own, calls UserInfo (a preflighted
request: it sends an Authorization header) and the token endpoint, and Chromium lets it
read the answers; a page on an origin no app registered cannot (oidc/cors.py)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from tests import factories
from tests.oidc import helpers
from tests.oidc.flows import code_for, redeem

pytestmark = pytest.mark.browser


CALLS = """async ([base, access, refresh, clientId]) => {
  const answers = {};
  try {
    const info = await fetch(base + "/oidc/userinfo", {headers: {Authorization: "Bearer " + access}});
    answers.userinfo = [info.status, await info.json()];
    const body = new URLSearchParams({grant_type: "refresh_token", refresh_token: refresh, client_id: clientId});
    const renewed = await fetch(base + "/oidc/token", {method: "POST", body});
    answers.token = [renewed.status, await renewed.json()];
  } catch (error) {
    answers.error = String(error);
  }
  return answers;
}"""


class _Page(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<!doctype html><title>app</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def origins():
    """Two empty pages on loopback origins of their own (as a browser app's would be): the
    app's, and a stranger's. Real servers, so Chromium knows both are local."""
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Page) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [f"http://127.0.0.1:{server.server_address[1]}" for server in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def issued(live_server, demo, settings, origins):
    """A person's tokens for a public app whose redirect URIs include one on the app's origin."""
    settings.PUBLIC_URL = live_server.url
    app = helpers.make_app(demo, kind="public", name="Browser-app",
                           redirect_uris=[helpers.CALLBACK, origins[0] + "/cb"])
    person = factories.user(demo)
    client = Client()
    answer = redeem(client, demo, app, code_for(client, demo, person, app))
    assert answer.status_code == 200
    return app, person, answer.json()


def _page_at(browser, origin: str):
    context = browser.new_context()
    page = context.new_page()
    page.goto(origin + "/")
    return context, page


def test_a_registered_origin_reads_userinfo_and_refreshes_from_the_browser(browser, live_server, demo, issued,
                                                                          origins):
    app, person, tokens = issued
    context, page = _page_at(browser, origins[0])
    try:
        answers = page.evaluate(CALLS, [f"{live_server.url}/{demo.slug}", tokens["access_token"],
                                        tokens["refresh_token"], app.client_id])
    finally:
        context.close()
    assert "error" not in answers, answers
    assert answers["userinfo"][0] == 200 and answers["userinfo"][1]["email"] == person.email
    assert answers["token"][0] == 200 and answers["token"][1]["refresh_token"] != tokens["refresh_token"]


def test_a_page_on_another_origin_cannot_read_the_answers(browser, live_server, demo, issued, origins):
    app, _person, tokens = issued
    context, page = _page_at(browser, origins[1])
    try:
        answers = page.evaluate(CALLS, [f"{live_server.url}/{demo.slug}", tokens["access_token"],
                                        tokens["refresh_token"], app.client_id])
    finally:
        context.close()
    assert "userinfo" not in answers and "Failed to fetch" in answers["error"]
