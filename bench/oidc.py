"""The OpenID Connect provider under load, over real HTTP: code exchanges, refresh-token
grants, client-credentials grants and UserInfo requests per second, each beside the bare
`/healthz` floor of the same server measured with the same client, taking turns.

    .venv/bin/python bench/oidc.py [--seconds 6] [--rounds 2] [--connections 8]

Starts `poortwachter serve` (default configuration, SQLite, the demo organisation and its
demo app), signs the demo employee in once, and prepares what the measured requests need
(authorization codes from the authorize endpoint, one refresh-token chain per connection,
access tokens, a machine app made with `poortwachter createapp`) before anything counts.
Targets: each at least 50 % of the floor; per core at least 5x what Keycloak's sizing guide
plans per vCPU (120 refresh-token or client-credential grants a second), i.e. 600/s/core.
The load generator runs on the same cores as the server, so the per-core figures are a
lower bound. Prints a table and writes bench/results/oidc-latest.json; exits 0 either way."""

import argparse
import base64
import json
import os
import queue
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import people  # noqa: E402
import service  # noqa: E402
import signin_load  # noqa: E402
from signin_load import request  # noqa: E402
from stats import summary  # noqa: E402

CORES = os.cpu_count() or 1
RESULTS = Path(__file__).resolve().parent / "results"
KEYCLOAK_PER_VCPU = 120
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def progress(message: str) -> None:
    print(f"[bench oidc {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Setup:
    def __init__(self, svc):
        self.svc = svc
        self.verifier = secrets.token_urlsafe(48)
        self.callback = f"{svc.url}/_demo-app/callback"
        session = signin_load.sign_in(svc, signin_load.fetch_csrf(svc), people.DEMO_EMPLOYEE)
        if session is None:
            raise RuntimeError("the demo employee could not sign in")
        self.cookie = {"Cookie": f"{signin_load.SESSION_COOKIE}={session}"}
        import hashlib

        challenge = base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()
        self.authorize = "/demo/oidc/authorize?" + urlencode({
            "response_type": "code", "client_id": "demo-app", "redirect_uri": self.callback,
            "scope": "openid profile email roles", "state": "s", "code_challenge": challenge,
            "code_challenge_method": "S256"})

    def code(self) -> str:
        status, headers, _ = request(self.svc, "GET", self.authorize, headers=self.cookie)
        if status != 302:
            raise RuntimeError(f"authorize answered {status}")
        return parse_qs(urlsplit(headers["Location"]).query)["code"][0]

    def codes(self, count: int, threads: int = 4) -> list[str]:
        found: list[str] = []
        lock = threading.Lock()

        def work(n):
            mine = [self.code() for _ in range(n)]
            with lock:
                found.extend(mine)

        workers = [threading.Thread(target=work, args=(count // threads + 1,)) for _ in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        return found

    def exchange_body(self, code: str) -> bytes:
        return urlencode({"grant_type": "authorization_code", "code": code, "client_id": "demo-app",
                          "redirect_uri": self.callback, "code_verifier": self.verifier}).encode()

    def tokens(self) -> dict:
        status, _, body = request(self.svc, "POST", "/demo/oidc/token", self.exchange_body(self.code()), FORM)
        if status != 200:
            raise RuntimeError(f"code exchange answered {status}: {body[:200]!r}")
        return json.loads(body)

    def machine_app(self) -> dict:
        env = service.environment(self.svc.data_dir)
        env["POORTWACHTER_PUBLIC_URL"] = self.svc.url
        out = subprocess.run([service.executable(), "createapp", "demo", f"Bench {secrets.token_hex(3)}",
                              "--type", "machine", "--scopes", "roles"], env=env, capture_output=True, text=True,
                             check=True).stdout
        fields = dict(line.split()[:2] for line in out.splitlines()[1:3])
        basic = base64.b64encode(f"{fields['client_id']}:{fields['client_secret']}".encode()).decode()
        return {"Authorization": f"Basic {basic}", **FORM}


def closed_loop(connections: int, seconds: float, make_call) -> dict:
    """`connections` threads, each calling its own `make_call(i)()` -> bool until time is up."""
    latencies, failures, lock = [], [0], threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(i):
        call = make_call(i)
        mine, failed = [], 0
        while (start := time.perf_counter()) < stop_at:
            try:
                ok = call()
            except (OSError, queue.Empty):
                ok = False
            if ok is None:
                break  # out of prepared material
            if ok:
                mine.append(time.perf_counter() - start)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = min(seconds, time.perf_counter() - started)
    return {"per_second": len(latencies) / elapsed, "ok": len(latencies), "failed": failures[0],
            "latency": summary(latencies), "seconds": elapsed}


def healthz(svc):
    return lambda i: lambda: request(svc, "GET", "/healthz")[0] == 200


def code_exchange(setup: Setup, codes: queue.Queue):
    def make(i):
        def call():
            try:
                code = codes.get_nowait()
            except queue.Empty:
                return None
            return request(setup.svc, "POST", "/demo/oidc/token", setup.exchange_body(code), FORM)[0] == 200
        return call
    return make


def refresh_grants(setup: Setup, chains: list[str]):
    def make(i):
        def call():
            body = urlencode({"grant_type": "refresh_token", "refresh_token": chains[i], "client_id": "demo-app"}).encode()
            status, _, answer = request(setup.svc, "POST", "/demo/oidc/token", body, FORM)
            if status == 200:
                chains[i] = json.loads(answer)["refresh_token"]
            return status == 200
        return call
    return make


def client_credentials(setup: Setup, headers: dict):
    body = urlencode({"grant_type": "client_credentials"}).encode()
    return lambda i: lambda: request(setup.svc, "POST", "/demo/oidc/token", body, headers)[0] == 200


def userinfo(setup: Setup, access_tokens: list[str]):
    return lambda i: lambda: request(setup.svc, "GET", "/demo/oidc/userinfo", headers={
        "Authorization": f"Bearer {access_tokens[i % len(access_tokens)]}"})[0] == 200


def measure(options) -> dict:
    results = {"cores": CORES, "connections": options.connections, "seconds": options.seconds,
               "rounds": options.rounds, "kinds": {}}
    with service.running() as svc:
        workers = svc.worker_count()
        results["workers"] = workers
        setup = Setup(svc)
        progress(f"server up with {workers} workers; preparing")
        chains = [setup.tokens()["refresh_token"] for _ in range(options.connections)]
        access = [setup.tokens()["access_token"] for _ in range(options.connections)]
        machine = setup.machine_app()
        closed_loop(options.connections, 2, healthz(svc))  # warm every worker
        kinds = {
            "code exchange": lambda: code_exchange(setup, _codes(setup, options)),
            "refresh-token grant": lambda: refresh_grants(setup, chains),
            "client-credentials grant": lambda: client_credentials(setup, machine),
            "userinfo": lambda: userinfo(setup, access),
        }
        for name, make in kinds.items():
            if options.only and not any(word in name for word in options.only):
                continue
            floor, measured = [], []
            for _ in range(options.rounds):
                floor.append(closed_loop(options.connections, options.seconds, healthz(svc)))
                load = make()
                measured.append(closed_loop(options.connections, options.seconds, load))
            result = {"floor": _combine(floor), "endpoint": _combine(measured)}
            result["ratio"] = result["endpoint"]["per_second"] / max(result["floor"]["per_second"], 1e-9)
            result["per_core"] = result["endpoint"]["per_second"] / CORES
            results["kinds"][name] = result
            progress(f"  {name}: {result['endpoint']['per_second']:.0f}/s beside /healthz "
                     f"{result['floor']['per_second']:.0f}/s ({100 * result['ratio']:.0f} %)")
    return results


def _codes(setup: Setup, options) -> queue.Queue:
    # Enough for one round at a generous rate; made before the round starts.
    count = int(options.code_rate * options.seconds)
    progress(f"  preparing {count} authorization codes")
    codes: queue.Queue = queue.Queue()
    for code in setup.codes(count):
        codes.put(code)
    _checkpoint(setup.svc.data_dir)
    return codes


def _checkpoint(data_dir: Path) -> None:
    """Fold the preparation's writes into the database file now, so that the measured
    requests do not pay for the authorize requests' write-ahead log."""
    import sqlite3

    with sqlite3.connect(data_dir / "poortwachter.sqlite3", timeout=30) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _combine(runs: list[dict]) -> dict:
    seconds = sum(r["seconds"] for r in runs)
    ok = sum(r["ok"] for r in runs)
    p50s = sorted(r["latency"]["p50"] for r in runs if r["latency"]["p50"] is not None) or [None]
    p99s = [r["latency"]["p99"] for r in runs if r["latency"]["p99"] is not None]
    return {"per_second": ok / seconds, "ok": ok, "failed": sum(r["failed"] for r in runs), "seconds": seconds,
            "p50": p50s[len(p50s) // 2], "p99": max(p99s, default=None)}


def table(results: dict) -> str:
    ms = lambda s: f"{1000 * s:.1f}" if s is not None else "-"  # noqa: E731
    lines = [f"OpenID Connect provider, {results['workers']} gunicorn workers on {results['cores']} cores, "
             f"{results['connections']} connections, {results['rounds']} x {results['seconds']:.0f} s each "
             "(floor: GET /healthz, same client, taking turns)", "",
             f"{'measure':<26} {'req/s':>8} {'floor/s':>8} {'% floor':>8} {'/s/core':>8} {'p50 ms':>7} "
             f"{'p99 ms':>7} {'failed':>6}  targets: >=50 % of floor; >= {5 * KEYCLOAK_PER_VCPU}/s/core"]
    for name, r in results["kinds"].items():
        e = r["endpoint"]
        marks = ("ok" if r["ratio"] >= 0.5 else "below") + ", " + (
            "ok" if r["per_core"] >= 5 * KEYCLOAK_PER_VCPU else "below")
        lines.append(f"{name:<26} {e['per_second']:>8.0f} {r['floor']['per_second']:>8.0f} "
                     f"{100 * r['ratio']:>7.0f}% {r['per_core']:>8.0f} {ms(e['p50']):>7} {ms(e['p99']):>7} "
                     f"{e['failed']:>6}  {marks}")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=6, help="counted seconds per round and measure")
    p.add_argument("--rounds", type=int, default=2, help="turns the endpoint and the floor take")
    p.add_argument("--connections", type=int, default=4 * CORES, help="closed-loop client connections")
    p.add_argument("--code-rate", type=float, default=800, help="codes prepared per counted second")
    p.add_argument("--only", action="append", help="measure only kinds whose name contains this word (repeatable)")
    options = p.parse_args(argv)
    results = measure(options)
    print(table(results), flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "oidc-latest.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
