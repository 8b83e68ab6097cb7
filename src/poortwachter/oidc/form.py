"""The parameters of a POST to the token, revocation and introspection endpoints.

RFC 6749 (3.1, 3.2) sends them form-urlencoded and says a parameter must not appear twice:
a request that names `code` or `client_id` twice is refused here, before anything reads it
(which of two values would an app, a proxy and the provider each have used?). The body is
parsed directly, into a plain dict: Django's QueryDict does the same work at twice the cost,
on the busiest endpoint there is. Other content types (a test client's multipart form) go
through Django's parser, under the same rule.

The parsing is `urllib.parse.parse_qsl`'s (keep_blank_values, strict decoding, a limit on
the number of fields), except that a part with neither `%` nor `+` is taken as it is: codes,
tokens, verifiers and client ids are URL-safe, and unquoting each of them cost parse_qsl
about as much as the rest of reading the form (tests/oidc/test_token_form.py holds the two
to the same answers)."""

from urllib.parse import unquote_plus

from django.conf import settings

FORM = "application/x-www-form-urlencoded"


class FormError(Exception):
    pass


def read(request) -> dict[str, str]:
    """{name: value}, or FormError (the caller answers `invalid_request`)."""
    if request.content_type == FORM:
        try:
            pairs = parse(request.body.decode(), settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
        except (UnicodeDecodeError, ValueError):
            raise FormError("the body is not a valid form")
    else:
        pairs = [(name, value) for name, values in request.POST.lists() for value in values]
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise FormError(f"{name[:40]} is given more than once")
        form[name] = value
    return form


def _unquoted(text: str) -> str:
    return unquote_plus(text, errors="strict") if "%" in text or "+" in text else text


def parse(body: str, max_fields: int | None = None) -> list[tuple[str, str]]:
    """parse_qsl(body, keep_blank_values=True, errors="strict", max_num_fields=max_fields)."""
    parts = body.split("&")
    if max_fields is not None and len(parts) > max_fields:
        raise ValueError("Max number of fields exceeded")
    pairs = []
    for part in parts:
        if part:
            name, _, value = part.partition("=")
            pairs.append((_unquoted(name), _unquoted(value)))
    return pairs
