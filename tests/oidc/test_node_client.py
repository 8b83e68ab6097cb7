"""The whole flow driven by the npm package `openid-client` (tests/oidc/node), against the
real server: a standard OpenID Connect library must work unchanged. `make test` runs
`npm ci` there first."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.oidc.over_http import DEMO_PASSWORD, DEMO_USER
from tests.server_process import POORTWACHTER, clean_env, running_server

NODE_DIR = Path(__file__).resolve().parent / "node"


@pytest.fixture(scope="module")
def node():
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "openid-client").exists():
        pytest.fail("node and tests/oidc/node/node_modules are needed: run `npm ci` in tests/oidc/node "
                    "(make test does)", pytrace=False)
    return shutil.which("node")


def create_app(data_dir, base) -> tuple[str, str]:
    result = subprocess.run([POORTWACHTER, "--data-dir", str(data_dir), "createapp", "demo", "Node-app",
                             "--redirect-uri", "http://127.0.0.1:5999/callback",
                             "--post-logout-uri", "http://127.0.0.1:5999/signed-out"],
                            env=clean_env(POORTWACHTER_PUBLIC_URL=base), capture_output=True, text=True, check=True)
    fields = dict(line.split()[:2] for line in result.stdout.splitlines()[1:3])
    return fields["client_id"], fields["client_secret"]


def test_openid_client_for_node_signs_in_refreshes_and_signs_out(tmp_path, node):
    with running_server(tmp_path) as (base, _):
        client_id, secret = create_app(tmp_path, base)
        inputs = {"issuer": f"{base}/demo", "clientId": client_id, "clientSecret": secret,
                  "redirectUri": "http://127.0.0.1:5999/callback", "postLogoutUri": "http://127.0.0.1:5999/signed-out",
                  "username": DEMO_USER, "password": DEMO_PASSWORD}
        run = subprocess.run([node, "round_trip.mjs"], cwd=NODE_DIR, capture_output=True, text=True, timeout=120,
                             env={"PATH": "/usr/bin:/bin", "OIDC_TEST_INPUT": json.dumps(inputs)})
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    claims = result["claims"]
    assert claims["iss"] == f"{base}/demo" and claims["aud"] == client_id
    assert claims["email"] == "medewerker@demo.poortwachter.test" and claims["roles"] == ["medewerker"]
    assert claims["amr"] == ["pwd"] and claims["sid"] and claims["auth_time"]
    assert result["userinfo"]["sub"] == claims["sub"] and result["refreshedClaims"]["sub"] == claims["sub"]
    assert result["replay"] == "invalid_grant" and result["activeAfterReplay"] is False
    assert result["logoutStatus"] == 302 and result["logoutLocation"] == "http://127.0.0.1:5999/signed-out?state=bye"
    assert result["activeAfterRevocation"] is False
