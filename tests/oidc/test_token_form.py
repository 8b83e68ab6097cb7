"""The token endpoint reads its parameters once each (RFC 6749 3.1, 3.2): a request that
names a parameter twice, or whose body is not a form, is refused before anything is used."""

from urllib.parse import urlencode

from tests.oidc import helpers
from tests.oidc.flows import code_for, redeem
from tests.oidc.test_pkce import VERIFIER

FORM = "application/x-www-form-urlencoded"


def _exchange_fields(app, code) -> list[tuple[str, str]]:
    return [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", helpers.CALLBACK),
            ("client_id", app.client_id), ("client_secret", app.secret), ("code_verifier", VERIFIER)]


def test_a_parameter_given_twice_is_refused_and_burns_nothing(client, org, user, web_app):
    code = code_for(client, org, user, web_app)
    for name, second in (("code", "another-code"), ("client_id", "another-app"), ("redirect_uri", "https://x/")):
        body = urlencode(_exchange_fields(web_app, code) + [(name, second)])
        response = client.post(f"/{org.slug}/oidc/token", body, content_type=FORM)
        assert response.status_code == 400
        assert response.json() == {"error": "invalid_request", "error_description": f"{name} is given more than once"}
    assert redeem(client, org, web_app, code).status_code == 200  # the code was never touched


def test_a_body_that_is_not_a_form_is_refused(client, org, web_app):
    body = b"grant_type=client_credentials&client_id=" + web_app.client_id.encode() + b"&x=\xff\xfe"
    response = client.post(f"/{org.slug}/oidc/token", body, content_type=FORM)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_a_multipart_form_is_read_under_the_same_rule(client, org, user, web_app):
    code = code_for(client, org, user, web_app)
    assert redeem(client, org, web_app, code, code_verifier=[VERIFIER, VERIFIER]).json()["error"] == "invalid_request"
    assert redeem(client, org, web_app, code).status_code == 200


def test_revocation_and_introspection_refuse_a_parameter_given_twice(client, org, web_app):
    for endpoint in ("revoke", "introspect"):
        body = urlencode([("token", "a"), ("token", "b"), ("client_id", web_app.client_id),
                          ("client_secret", web_app.secret)])
        response = client.post(f"/{org.slug}/oidc/{endpoint}", body, content_type=FORM)
        assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_the_form_reads_as_parse_qsl_reads_it():
    """form.parse skips unquoting where there is nothing to unquote; the answers (and the
    refusals: bad UTF-8, too many fields) stay parse_qsl's."""
    from urllib.parse import parse_qsl

    from poortwachter.oidc.form import parse

    bodies = ["", "a", "a=", "=b", "a=1&b=2", "a=1&&b=2&", "a+b=c+d", "a%20b=%2Fx%3A", "x=%zz", "x=%C3%A9",
              "a=b=c", "&&", "k=v;w=z", "a=1&a=2", "%=%", "+=+", "a=%2", "x=%E2%82", "a=1&b=2&c=3", "a&b&c&",
              "redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y%3D2&code=abc-_DEF"]

    def answer(read, body):
        try:
            return read(body)
        except (UnicodeDecodeError, ValueError) as error:
            return type(error)

    for body in bodies:
        expected = answer(lambda b: parse_qsl(b, keep_blank_values=True, errors="strict", max_num_fields=3), body)
        assert answer(lambda b: parse(b, 3), body) == expected, body
