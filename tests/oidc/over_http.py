"""A person signing in to the demo app's provider over real HTTP (a running `serve`), up to
the authorization code: cookies and redirects by hand, no client library needed for that
part."""

import http.client
import re
import secrets
import urllib.parse
from urllib.parse import urlsplit

from poortwachter.oidc.pkce import challenge_of

DEMO_USER, DEMO_PASSWORD = "medewerker", "herfst-gracht-fiets-2026"


def _request(base: str, method: str, path: str, cookies: dict, body: dict | None = None):
    host = urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    text = response.read().decode()
    connection.close()
    return response.status, response.getheader("Location", ""), text


def demo_code(base: str) -> tuple[str, str]:
    """(code, verifier) for the demo app, after signing the demo employee in."""
    verifier = secrets.token_urlsafe(48)
    query = urllib.parse.urlencode({"response_type": "code", "client_id": "demo-app", "scope": "openid profile email",
                                    "redirect_uri": f"{base}/_demo-app/callback", "state": "s", "nonce": "n",
                                    "code_challenge": challenge_of(verifier), "code_challenge_method": "S256"})
    authorize = f"/demo/oidc/authorize?{query}"
    cookies: dict = {}
    status, location, _ = _request(base, "GET", authorize, cookies)
    assert status == 302 and "/demo/login" in location, (status, location)
    status, _, page = _request(base, "GET", "/demo/login", cookies)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, location, _ = _request(base, "POST", "/demo/login", cookies, {
        "identifier": DEMO_USER, "password": DEMO_PASSWORD, "next": authorize, "csrfmiddlewaretoken": token})
    assert status == 302, status
    status, location, _ = _request(base, "GET", location, cookies)
    assert status == 302 and location.startswith(f"{base}/_demo-app/callback?code="), location
    code = urllib.parse.parse_qs(urlsplit(location).query)["code"][0]
    return code, verifier


def token_request(base: str, body: dict) -> tuple[int, dict]:
    import json

    status, _, text = _request(base, "POST", "/demo/oidc/token", {}, {"client_id": "demo-app", **body})
    return status, json.loads(text)
