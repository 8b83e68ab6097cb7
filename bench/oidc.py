"""The OpenID Connect provider under load, over real HTTP: code exchanges, refresh-token
grants, client-credentials grants and UserInfo requests per second, each beside the bare
`/healthz` floor of the same server, measured with the same client, taking turns.

    .venv/bin/python bench/oidc.py [--seconds 6] [--rounds 2] [--connections 8] [--only refresh]

Starts `poortwachter serve` (default configuration, SQLite, the demo organisation and its
demo app), signs the demo employee in once, and prepares what the measured requests need
before anything counts. Every measured run, the floor included, is one `wrk` process driven
by bench/oidc_load.lua (closed loop: each connection sends its next request when the last
was answered; the default sync workers close the connection after every answer, so wrk
reconnects each time, for the floor as for the endpoints):

- code exchange: each request redeems a different code (PKCE, the demo app), made before
  the round through the real authorize endpoint (by wrk, with the signed-in cookie) and
  handed to the wrk threads in shares; enough for 1.2 x the round's floor rate;
- refresh-token grant: every wrk thread keeps a pool of refresh-token chains (twice its
  connections) made before the round; each answer's new refresh token goes back in the pool;
- client-credentials grant: a machine app made with `poortwachter createapp`, HTTP Basic;
- userinfo: 64 access tokens of the demo employee, round robin.

Only a 200 counts; any other status, a socket error, or a request sent after the prepared
codes or chains ran out is a failure, and failures are shown in the table.

Two per-core figures: requests per second divided by the cores (what the machine did, client
included), and requests per second of server CPU: successful requests divided by the CPU
time (user + system, from /proc) that the gunicorn master and its workers used during the
counted run (`Service.cpu_seconds`). The second is the one to hold against Keycloak's sizing
guide, which plans 120 refresh-token or client-credential grants a second per vCPU given to
the server; the target is 5x that, 600 per server CPU second. wrk's own CPU is in the JSON.
Targets: each kind at least 50 % of the floor, and 600 a server CPU second. Prints a table
and writes bench/results/oidc-latest.json; exits 0 either way."""

import argparse
import base64
import hashlib
import json
import math
import os
import resource
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import people  # noqa: E402
import service  # noqa: E402
import signin_load  # noqa: E402
from background import Meter  # noqa: E402
from signin_load import request  # noqa: E402

CORES = os.cpu_count() or 1
RESULTS = Path(__file__).resolve().parent / "results"
LUA = Path(__file__).resolve().parent / "oidc_load.lua"
KEYCLOAK_PER_VCPU = 120
PER_CPU_TARGET = 5 * KEYCLOAK_PER_VCPU
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TOKEN_PATH, USERINFO_PATH, AUTHORIZE_PATH = "/demo/oidc/token", "/demo/oidc/userinfo", "/demo/oidc/authorize"


def progress(message: str) -> None:
    print(f"[bench oidc {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Load:
    """Runs wrk with oidc_load.lua and reads back its counts, the server's CPU and its own."""

    def __init__(self, svc, connections: int, threads: int, work: Path):
        self.svc, self.connections, self.threads, self.work = svc, connections, threads, work

    def run(self, seconds: float, lua_args: list[str], headers: dict | None = None) -> dict:
        command = ["wrk", f"-t{self.threads}", f"-c{self.connections}", f"-d{max(1, round(seconds))}s",
                   "--timeout", "10s", "-s", str(LUA)]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        command += [self.svc.url, "--", *lua_args]
        client_before, server_before = _children_cpu(), self.svc.cpu_seconds()
        output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
        server_cpu, client_cpu = self.svc.cpu_seconds() - server_before, _children_cpu() - client_before
        line = next(l for l in output.splitlines() if l.startswith("BENCH-JSON "))
        raw = json.loads(line.removeprefix("BENCH-JSON "))
        duration = raw["duration_us"] / 1e6
        socket_errors = sum(v for k, v in raw["errors"].items() if k != "status")
        return {"per_second": raw["ok"] / duration, "ok": raw["ok"], "failed": raw["failed"] + socket_errors,
                "exhausted": raw["exhausted"], "errors": raw["errors"], "seconds": duration,
                "server_cpu": server_cpu, "client_cpu": client_cpu,
                "p50": raw["latency_us"]["p50"] / 1e6, "p99": raw["latency_us"]["p99"] / 1e6}

    def write(self, name: str, lines: list[str]) -> str:
        path = self.work / name
        path.write_text("\n".join(lines) + "\n")
        return str(path)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Setup:
    """The demo employee's session, the demo app's PKCE pair, and the material each kind
    needs: codes, refresh-token chains, access tokens, a machine app."""

    def __init__(self, svc, load: Load):
        self.svc, self.load = svc, load
        self.verifier = secrets.token_urlsafe(48)
        self.callback = f"{svc.url}/_demo-app/callback"
        session = signin_load.sign_in(svc, signin_load.fetch_csrf(svc), people.DEMO_EMPLOYEE)
        if session is None:
            raise RuntimeError("the demo employee could not sign in")
        self.cookie = {"Cookie": f"{signin_load.SESSION_COOKIE}={session}"}
        challenge = base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()
        self.authorize = AUTHORIZE_PATH + "?" + urlencode({
            "response_type": "code", "client_id": "demo-app", "redirect_uri": self.callback,
            "scope": "openid profile email roles", "state": "s", "code_challenge": challenge,
            "code_challenge_method": "S256"})
        # The exchange's form without its code; the code is last so wrk can append it.
        self.exchange_form = urlencode({"grant_type": "authorization_code", "client_id": "demo-app",
                                        "redirect_uri": self.callback, "code_verifier": self.verifier}) + "&code="
        self.refresh_form = urlencode({"grant_type": "refresh_token", "client_id": "demo-app"}) + "&refresh_token="

    def code(self) -> str:
        status, headers, _ = request(self.svc, "GET", self.authorize, headers=self.cookie)
        if status != 302:
            raise RuntimeError(f"authorize answered {status}")
        return parse_qs(urlsplit(headers["Location"]).query)["code"][0]

    def codes(self, count: int) -> list[str]:
        """`count` fresh codes from the authorize endpoint, asked by wrk in 2-second turns."""
        found: list[str] = []
        while len(found) < count:
            prefix = self.load.work / f"codes-{secrets.token_hex(4)}"
            self.load.run(2, ["authorize", self.authorize, str(prefix)], headers=self.cookie)
            for part in self.load.work.glob(prefix.name + ".*"):
                found += [line for line in part.read_text().split() if line]
                part.unlink()
        _checkpoint(self.svc.data_dir)
        return found

    def tokens(self) -> dict:
        body = (self.exchange_form + self.code()).encode()
        status, _, answer = request(self.svc, "POST", TOKEN_PATH, body, FORM)
        if status != 200:
            raise RuntimeError(f"code exchange answered {status}: {answer[:200]!r}")
        return json.loads(answer)

    def machine_app(self) -> dict:
        env = service.environment(self.svc.data_dir)
        env["POORTWACHTER_PUBLIC_URL"] = self.svc.url
        out = subprocess.run([service.executable(), "createapp", "demo", f"Bench {secrets.token_hex(3)}",
                              "--type", "machine", "--scopes", "roles"], env=env, capture_output=True, text=True,
                             check=True).stdout
        fields = dict(line.split()[:2] for line in out.splitlines()[1:3])
        basic = base64.b64encode(f"{fields['client_id']}:{fields['client_secret']}".encode()).decode()
        return {"Authorization": f"Basic {basic}"}


def _checkpoint(data_dir: Path) -> None:
    """Fold the preparation's writes into the database file now, so that the measured
    requests do not pay for the authorize requests' write-ahead log."""
    with sqlite3.connect(data_dir / "poortwachter.sqlite3", timeout=30) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class Kinds:
    """For each measured kind: what to prepare before a round (given the floor rate just
    measured) and the wrk arguments of its counted run."""

    def __init__(self, setup: Setup, load: Load, options):
        self.setup, self.load, self.options = setup, load, options
        self.machine = self.access = None

    def code_exchange(self, floor_rate: float):
        count = math.ceil(1.2 * floor_rate * self.options.seconds) + self.load.connections
        progress(f"  preparing {count} authorization codes")
        codes = self.setup.codes(count)
        path = self.load.write("exchange-codes", codes)
        return ["exchange", TOKEN_PATH, path, str(self.load.threads), self.setup.exchange_form], None

    def refresh_grant(self, floor_rate: float):
        # Twice each thread's connections, and one more: wrk tries request() once before it starts.
        count = self.load.threads * (2 * math.ceil(self.load.connections / self.load.threads) + 1)
        chains = [self.setup.tokens()["refresh_token"] for _ in range(count)]
        _checkpoint(self.setup.svc.data_dir)
        path = self.load.write("refresh-chains", chains)
        return ["refresh", TOKEN_PATH, path, str(self.load.threads), self.setup.refresh_form], None

    def client_credentials(self, floor_rate: float):
        if self.machine is None:
            self.machine = self.setup.machine_app()
        return ["static", TOKEN_PATH, "grant_type=client_credentials"], self.machine

    def userinfo(self, floor_rate: float):
        if self.access is None:
            self.access = self.load.write("access-tokens", [self.setup.tokens()["access_token"] for _ in range(64)])
            _checkpoint(self.setup.svc.data_dir)
        return ["userinfo", USERINFO_PATH, self.access, str(self.load.threads)], None

    def all(self) -> dict:
        return {"code exchange": self.code_exchange, "refresh-token grant": self.refresh_grant,
                "client-credentials grant": self.client_credentials, "userinfo": self.userinfo}


def measure(options) -> dict:
    results = {"cores": CORES, "connections": options.connections, "wrk_threads": options.wrk_threads,
               "seconds": options.seconds, "rounds": options.rounds, "kinds": {}}
    meter = Meter()
    work = Path(tempfile.mkdtemp(prefix="poortwachter-bench-oidc-"))
    try:
        with service.running() as svc:
            results["workers"] = svc.worker_count()
            load = Load(svc, options.connections, options.wrk_threads, work)
            setup = Setup(svc, load)
            progress(f"server up with {results['workers']} workers; warming up")
            load.run(2, ["floor", "/healthz"])
            for name, prepare in Kinds(setup, load, options).all().items():
                if options.only and not any(word in name for word in options.only):
                    continue
                results["kinds"][name] = _kind(load, prepare, options)
                _progress_kind(name, results["kinds"][name])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["others_cpu_share"] = meter.others_share()
    return results


def _kind(load: Load, prepare, options) -> dict:
    """Floor and endpoint taking turns, `rounds` times; the material for a round is made
    after its floor run and before its counted run."""
    floor, measured = [], []
    for _ in range(options.rounds):
        floor.append(load.run(options.seconds, ["floor", "/healthz"]))
        lua_args, headers = prepare(floor[-1]["per_second"])
        measured.append(load.run(options.seconds, lua_args, headers))
    result = {"floor": _combine(floor), "endpoint": _combine(measured)}
    result["ratio"] = result["endpoint"]["per_second"] / max(result["floor"]["per_second"], 1e-9)
    # Each round's endpoint beside the floor run just before it: the pairs that shared the
    # machine's conditions, so the spread shows how much other load moved the figures.
    result["round_ratios"] = [m["per_second"] / max(f["per_second"], 1e-9) for f, m in zip(floor, measured)]
    return result


def _combine(runs: list[dict]) -> dict:
    """Rounds as one: rates from the totals, the median p50, the worst p99."""
    seconds, ok, cpu = (sum(r[k] for r in runs) for k in ("seconds", "ok", "server_cpu"))
    p50s = sorted(r["p50"] for r in runs)
    return {"per_second": ok / seconds, "per_core": ok / seconds / CORES, "per_server_cpu": ok / max(cpu, 1e-9),
            "ok": ok, "failed": sum(r["failed"] for r in runs), "exhausted": sum(r["exhausted"] for r in runs),
            "seconds": seconds, "server_cpu": cpu, "client_cpu": sum(r["client_cpu"] for r in runs),
            "p50": p50s[len(p50s) // 2], "p99": max(r["p99"] for r in runs), "rounds": runs}


def _progress_kind(name: str, r: dict) -> None:
    e, f = r["endpoint"], r["floor"]
    progress(f"  {name}: {e['per_second']:.0f}/s beside /healthz {f['per_second']:.0f}/s "
             f"({100 * r['ratio']:.0f} %); {e['per_server_cpu']:.0f} per server CPU second; {e['failed']} failed")


def table(results: dict) -> str:
    lines = [f"OpenID Connect provider, {results['workers']} gunicorn workers on {results['cores']} cores; wrk "
             f"{results['wrk_threads']} thread(s), {results['connections']} connections, {results['rounds']} x "
             f"{results['seconds']:.0f} s each, floor GET /healthz taking turns; other processes used "
             f"{100 * results['others_cpu_share']:.0f} % of the CPU",
             "req/srv-CPU-s: successful requests per second of CPU time of the gunicorn master and workers", "",
             f"{'measure':<26} {'req/s':>7} {'floor/s':>8} {'% floor':>7} {'by round':>9} {'req/s/core':>10} "
             f"{'req/srv-CPU-s':>13} {'floor':>6} {'p50 ms':>7} {'p99 ms':>7} {'failed':>6}  "
             f"targets: >= 50 % of floor; >= {PER_CPU_TARGET} req/srv-CPU-s"]
    return "\n".join(lines + [_row(name, r) for name, r in results["kinds"].items()])


def _row(name: str, r: dict) -> str:
    e, f = r["endpoint"], r["floor"]
    marks = ("ok" if r["ratio"] >= 0.5 else "below") + ", " + ("ok" if e["per_server_cpu"] >= PER_CPU_TARGET
                                                              else "below")
    if e["failed"] or f["failed"]:
        ran_out = f", out of material {e['exhausted']}" if e["exhausted"] else ""
        marks += f"; FAILURES (floor {f['failed']}{ran_out})"
    by_round = "/".join(f"{100 * x:.0f}" for x in r["round_ratios"])
    return (f"{name:<26} {e['per_second']:>7.0f} {f['per_second']:>8.0f} {100 * r['ratio']:>6.0f}% {by_round:>9} "
            f"{e['per_core']:>10.0f} {e['per_server_cpu']:>13.0f} {f['per_server_cpu']:>6.0f} "
            f"{1000 * e['p50']:>7.1f} {1000 * e['p99']:>7.1f} {e['failed']:>6}  {marks}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=6, help="counted seconds per round and measure")
    p.add_argument("--rounds", type=int, default=2, help="turns the endpoint and the floor take")
    p.add_argument("--connections", type=int, default=4 * CORES, help="wrk connections")
    p.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (each takes its share of the material)")
    p.add_argument("--only", action="append", help="measure only kinds whose name contains this word (repeatable)")
    options = p.parse_args(argv)
    if not shutil.which("wrk"):
        print("bench/oidc.py needs wrk (make bench installs Debian's)", file=sys.stderr)
        return 0
    results = measure(options)
    print(table(results), flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "oidc-latest.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
