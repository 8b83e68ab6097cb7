"""Fifty redemptions of one code at the same moment, against the real server (several
gunicorn processes sharing one database): exactly one gets tokens. The same for fifty uses
of one refresh token. On SQLite, and on PostgreSQL (a database of its own on the same
server) when the suite runs against PostgreSQL."""

import secrets
import threading

import pytest
from django.conf import settings

from tests.oidc.over_http import demo_code, token_request
from tests.server_process import running_server


@pytest.fixture
def database_env():
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        yield {}
        return
    import psycopg

    name = f"oidc_parallel_{secrets.token_hex(4)}"
    server = dict(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None)
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {"POORTWACHTER_DATABASE_URL": f"postgres://{db['USER']}{password}@{server['host']}:{server['port']}/{name}",
           "POORTWACHTER_MODE": "demo"}
    if settings.REDIS_URL:
        env["POORTWACHTER_REDIS_URL"] = settings.REDIS_URL
    try:
        yield env
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def all_at_once(count: int, call) -> list:
    results, barrier = [], threading.Barrier(count)

    def run():
        barrier.wait()
        results.append(call())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_parallel_redemptions_of_one_code_give_exactly_one_success(tmp_path, database_env):
    with running_server(tmp_path, POORTWACHTER_WORKERS="3", POORTWACHTER_THREADS="8", **database_env) as (base, _):
        code, verifier = demo_code(base)
        body = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                "redirect_uri": f"{base}/_demo-app/callback"}
        results = all_at_once(50, lambda: token_request(base, body))
        winners = [answer for status, answer in results if status == 200]
        assert len(results) == 50 and len(winners) == 1
        assert {answer["error"] for status, answer in results if status != 200} == {"invalid_grant"}

        # Fifty uses of one refresh token: one rotation at most, and the replays revoke the chain.
        first = winners[0]["refresh_token"]
        code, verifier = demo_code(base)
        fresh = token_request(base, {**body, "code": code, "code_verifier": verifier})[1]
        results = all_at_once(50, lambda: token_request(base, {"grant_type": "refresh_token",
                                                                "refresh_token": fresh["refresh_token"]}))
        rotated = [answer for status, answer in results if status == 200]
        assert len(rotated) == 1
        status, answer = token_request(base, {"grant_type": "refresh_token",
                                              "refresh_token": rotated[0]["refresh_token"]})
        assert status == 400 and answer["error"] == "invalid_grant"
        # The first code's tokens died when the code was redeemed again.
        assert token_request(base, {"grant_type": "refresh_token", "refresh_token": first})[0] == 400
