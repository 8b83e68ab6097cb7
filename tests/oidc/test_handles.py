"""Codes and tokens name their row in an encrypted handle and prove themselves with a
secret (oidc/handles.py). What an attacker or a curious app must never get out of that."""

import base64

import pytest

from poortwachter.oidc import handles
from tests.oidc.flows import code_for, redeem, refresh, tokens_for, userinfo


def _handle_bytes(value: str) -> bytes:
    return base64.urlsafe_b64decode(value[:handles.HANDLE_LENGTH] + "==")


def test_a_handle_reveals_neither_the_row_nor_its_neighbours(client, org, user, web_app):
    first, second = tokens_for(client, org, user, web_app), tokens_for(client, org, user, web_app)
    ids = [handles.read("access", t["access_token"])[0] for t in (first, second)]
    assert ids[1] > ids[0]  # consecutive rows ...
    a, b = _handle_bytes(first["access_token"]), _handle_bytes(second["access_token"])
    assert sum(x != y for x, y in zip(a, b)) >= 10  # ... whose handles look unrelated
    # The access and refresh token of one row do not share a handle either.
    assert first["access_token"][:handles.HANDLE_LENGTH] != first["refresh_token"][:handles.HANDLE_LENGTH]


def test_an_access_token_is_no_refresh_token_and_a_refresh_token_no_access_token(client, org, user, web_app):
    tokens = tokens_for(client, org, user, web_app)
    assert refresh(client, org, web_app, tokens["access_token"]).json()["error"] == "invalid_grant"
    assert userinfo(client, org, tokens["refresh_token"]).status_code == 401
    assert userinfo(client, org, tokens["access_token"]).status_code == 200


@pytest.mark.parametrize("change", ["handle", "secret"])
def test_an_altered_token_is_refused(client, org, user, web_app, change):
    token = tokens_for(client, org, user, web_app)["access_token"]
    at = 3 if change == "handle" else handles.HANDLE_LENGTH + 3
    altered = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1:]
    assert userinfo(client, org, altered).status_code == 401
    assert userinfo(client, org, token).status_code == 200


def test_one_codes_handle_with_another_codes_secret_is_refused_and_burns_nothing(client, org, user, web_app):
    first, second = code_for(client, org, user, web_app), code_for(client, org, user, web_app, signed_in=True)
    mixed = first[:handles.HANDLE_LENGTH] + second[handles.HANDLE_LENGTH:]
    assert redeem(client, org, web_app, mixed).json()["error"] == "invalid_grant"
    assert redeem(client, org, web_app, first).status_code == 200
    assert redeem(client, org, web_app, second).status_code == 200


def test_made_up_values_are_refused_before_any_query(org, django_assert_num_queries):
    from poortwachter.oidc import tokens

    made_up = ["", "x", "A" * 65, handles.make("refresh", 1, "geheim"), "é" * 70, "A" * 500, "%%%" * 30]
    with django_assert_num_queries(0):
        for value in made_up:
            assert handles.read("access", value) is None
            assert tokens.userinfo(org, value) is None and tokens.access_token(org, value) is None
    forged = handles.make("access", 1, "geheim")
    assert handles.read("access", forged) == (1, "geheim", 0)


def test_a_new_secret_key_ends_every_token_in_circulation(client, org, user, web_app, settings):
    token = tokens_for(client, org, user, web_app)["access_token"]
    settings.SECRET_KEY = "een-ander-geheim-" + "x" * 40
    assert handles.read("access", token) is None
    assert userinfo(client, org, token).status_code == 401


def test_handles_made_and_read_in_different_threads_agree():
    # Each thread keeps cipher contexts of its own (they are not thread-safe): what one
    # thread makes, any other reads back, and two threads at once do not garble each other.
    from concurrent.futures import ThreadPoolExecutor

    def make_many(start):
        return [(n, handles.make("access", n, "s" * 43)) for n in range(start, start + 500)]

    with ThreadPoolExecutor(4) as pool:
        made = [pair for batch in pool.map(make_many, range(0, 4000, 500)) for pair in batch]
        read = list(pool.map(lambda pair: handles.read("access", pair[1]), made))
    assert read == [(n, "s" * 43, 0) for n, _ in made]
    assert len({value for _, value in made}) == len(made)


def test_a_handle_made_before_generations_reads_as_its_token_row():
    # Handles made before grants held people's tokens: four zero bytes and an 8-byte id.
    from django.conf import settings

    encrypt = handles._contexts.get(settings.SECRET_KEY)[0]
    old = base64.urlsafe_b64encode(encrypt.update(b"PW1a" + bytes(4) + (4321).to_bytes(8, "big"))).rstrip(b"=")
    assert handles.read("access", old.decode() + "geheim") == (4321, "geheim", 0)
    assert handles.read("refresh", old.decode() + "geheim") is None


def test_the_generation_travels_in_the_handle_and_changes_it():
    first, second = handles.make("refresh", 7, "s" * 43, 1), handles.make("refresh", 7, "s" * 43, 2)
    assert handles.read("refresh", first) == (7, "s" * 43, 1) and handles.read("refresh", second) == (7, "s" * 43, 2)
    assert sum(x != y for x, y in zip(_handle_bytes(first), _handle_bytes(second))) >= 10
