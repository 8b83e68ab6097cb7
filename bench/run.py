"""`make bench`: how close the running service comes to what this machine can do.

Starts `poortwachter serve` as a real process (gunicorn, SQLite in a fresh data directory,
the demo organisation) and talks to it over real HTTP on 127.0.0.1. It measures:

1. argon2id itself, in this same run: one verify on one thread, and the ceiling -- verifies
   per second with one process per core. A password sign-in cannot be faster than its hash,
   so the ceiling is the yardstick for everything the web stack adds.
2. Password sign-ins per second with enough people signing in at once to keep every core
   busy (each with an account and a loopback address of their own), beside that ceiling
   (target: at least 85 % of it).
3. The p99 latency of sign-ins paced at half that rate (open loop: latency counts from the
   moment a request was due), beside one verify (target: at most 3x one verify).
4. Requests per second of a signed-in page (/demo/dashboard) beside the bare /healthz of the
   same server, measured the same way (target: at least 70 %). This is what sessions,
   the organisation lookup and templates cost.
5. Legitimate sign-ins per second while an attacker floods one other account with wrong
   passwords as fast as it can, beside the same load without the attack, taking turns
   (target: at least 80 %: after a few failures the account demands a CAPTCHA, and attempts
   without one are refused before any hash). The attacker's hashed attempts are counted
   in the server's audit log.
6. Sign-ins per second for several gunicorn worker counts, to find the best configuration.

It prints tables, writes the figures as JSON to bench/results/, and exits 0 whether or not
the targets are met: a benchmark reports, it is not a test.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import argon2_ceiling
import background
import flood
import page_load
import people
import report
import service
import signin_load

DASHBOARD = report.DASHBOARD
RESULTS = Path(__file__).resolve().parent / "results"
CORES = os.cpu_count() or 1


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- measuring ------------------------------------------------------------------------------

def signed_in_headers(svc) -> dict:
    """The cookies of a browser that signed in: the session and the CSRF cookie (without
    the latter every page would mint and set a new CSRF secret, which no browser causes)."""
    cookies = signin_load.signed_in_cookies(svc, signin_load.fetch_csrf(svc), people.DEMO_EMPLOYEE)
    if cookies is None:
        raise RuntimeError("the demo employee could not sign in")
    headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
    check_signed_in(svc, headers)
    return headers


def check_signed_in(svc, headers: dict) -> None:
    status = signin_load.request(svc, "GET", DASHBOARD, headers=headers)[0]
    if status != 200:
        raise RuntimeError(f"{DASHBOARD} answered {status} with the session cookie, not 200")


def measure_pages(svc, connections: int, seconds: float, rounds: int) -> dict:
    """/healthz and the signed-in dashboard, same tool, same connections, taking turns in
    `rounds` short runs so that a change in background load hits both alike."""
    headers = signed_in_headers(svc)
    for path in ("/healthz", DASHBOARD):  # warm both before either counts
        page_load.measure(svc, path, connections, 2, headers)
    runs = {"/healthz": [], DASHBOARD: []}
    for _ in range(rounds):
        for path, results in runs.items():
            results.append(page_load.measure(svc, path, connections, seconds / rounds, headers))
    check_signed_in(svc, headers)  # the session held for the whole run: no redirects counted
    return {"bare": page_load.combine(runs["/healthz"]), "signed_in": page_load.combine(runs[DASHBOARD])}


def measure_flood(svc, crowd: list, target, options) -> dict:
    """The same closed-loop sign-ins without and with an attacker flooding `target`, taking
    turns in `options.flood_rounds` so that a change in background load hits both alike.
    The attacker's hashed attempts are its `signin.failed` audit rows of the whole phase."""
    seconds = options.flood_seconds / options.flood_rounds
    before = flood.audit_counts(svc.data_dir, target.source)
    calm, attacked, attacks = [], [], []
    for _ in range(options.flood_rounds):
        calm.append(signin_load.saturate(svc, crowd, options.warmup, seconds))
        with flood.flooding(svc, target, signin_load.fetch_csrf(svc), options.attackers) as attack:
            attacked.append(signin_load.saturate(svc, crowd, options.warmup, seconds))
        attacks.append(attack.result)
    after = flood.audit_counts(svc.data_dir, target.source)
    rows = {kind: after.get(kind, 0) - before.get(kind, 0) for kind in after}
    return {"calm": signin_load.combine(calm), "attacked": signin_load.combine(attacked),
            "attacker": {**flood.combine(attacks), "target": target.identifier,
                         "hashed": rows.get("signin.failed", 0), "audit_rows": rows,
                         "captcha_after": flood.captcha_after_failures(svc.data_dir)}}


def measure_server(config: tuple[int | None, int | None], options, data_dir: Path, crowd: list,
                   *, enrol: list = (), target=None, full: bool = False) -> dict:
    """Start the server with (workers, threads) on the shared data directory; sign-ins at
    full load and, for the headline configuration, the paced half load, the pages and the
    sign-ins under a flood of `target`."""
    workers, threads = config
    with service.running(workers, threads, data_dir) as svc:
        if enrol:
            progress(f"  creating {len(enrol)} accounts")
            people.enrol(svc, enrol)
        if full:
            signin, ceiling = measure_signins_beside_ceiling(svc, crowd, options)
        else:
            signin, ceiling = signin_load.saturate(svc, crowd, options.warmup, options.seconds), None
        if not signin["per_second"]:
            raise RuntimeError(f"no sign-in succeeded ({signin['failed']} failed: {signin['errors']})")
        result = {"workers": svc.worker_count(), "threads": threads or 1, "signin": signin}
        if ceiling is not None:
            result["argon2_ceiling"] = ceiling
        progress(f"  {result['workers']} workers x {result['threads']} threads: "
                 f"{signin['per_second']:.1f} sign-ins/s")
        if full:
            rate = signin["per_second"] / 2
            progress(f"  paced sign-ins at {rate:.1f}/s for {options.paced_seconds:.0f} s")
            result["half_load"] = signin_load.paced(svc, crowd, rate, options.paced_seconds)
            progress(f"  /healthz and {DASHBOARD} with {page_load.tool()}")
            result["pages"] = measure_pages(svc, options.connections, options.page_seconds, options.rounds)
            progress(f"  sign-ins without and with {options.attackers} attacker connections "
                     f"flooding {target.identifier} from {target.source}, "
                     f"{options.flood_rounds} rounds of {options.flood_seconds / options.flood_rounds:.0f} s each")
            result["flood"] = measure_flood(svc, crowd, target, options)
            f = result["flood"]
            progress(f"  {f['calm']['per_second']:.1f} sign-ins/s calm, {f['attacked']['per_second']:.1f} "
                     f"under attack; attacker {f['attacker']['per_second']:.0f} requests/s, "
                     f"{f['attacker']['hashed']} hashed")
    return result


def measure_signins_beside_ceiling(svc, crowd: list, options) -> tuple[dict, dict]:
    """Sign-ins at full load and the argon2 ceiling, taking turns in `signin_rounds` rounds
    (the server idles while the ceiling runs). On a machine whose speed drifts (a shared
    host, turbo), a ceiling measured minutes away from the sign-ins moved the ratio by 10
    points from run to run; side by side, each round's pair sees the same machine. On a
    host whose speed swung 20 % within a minute (one run's three rounds gave 70, 90 and 83 %),
    six shorter rounds keep each pair closer together in time."""
    rounds, ceilings, signins = options.signin_rounds, [], []
    for n in range(rounds):
        progress(f"  round {n + 1}/{rounds}: argon2id ceiling with {CORES} processes, then sign-ins")
        ceilings.append(argon2_ceiling.ceiling(options.argon2_seconds / rounds))
        signins.append(signin_load.saturate(svc, crowd, options.warmup if n == 0 else 1, options.seconds / rounds))
    seconds = sum(c["seconds"] for c in ceilings)
    ceiling = {**ceilings[0], "seconds": seconds,
               "per_second": sum(c["per_second"] * c["seconds"] for c in ceilings) / seconds,
               "rounds": [c["per_second"] for c in ceilings]}
    signin = signin_load.combine(signins)
    signin["share_by_round"] = [s["per_second"] / c["per_second"] for s, c in zip(signins, ceilings)]
    return signin, ceiling


def measure_all(options) -> dict:
    """Every server uses one data directory, so the people are created once."""
    meter, crowd, target = background.Meter(), people.crowd(options.clients), people.flood_target()
    progress("argon2id: one verify on one thread")
    one = argon2_ceiling.one_verify_seconds()
    with tempfile.TemporaryDirectory(prefix="poortwachter-bench-") as directory:
        data_dir = Path(directory)
        progress("server with its default configuration")
        headline = measure_server((None, None), options, data_dir, crowd, enrol=crowd + [target],
                                  target=target, full=True)
        sweep = [headline] + measure_sweep(options, data_dir, crowd, headline)
    return {"machine": machine(), "options": vars(options), "argon2_one": one,
            "argon2_ceiling": headline.pop("argon2_ceiling"), "headline": headline, "sweep": sweep,
            "others_cpu_share": meter.others_share()}


def measure_sweep(options, data_dir: Path, crowd: list, headline: dict) -> list[dict]:
    results = []
    for workers, threads in options.configs:
        if (workers, threads or 1) == (headline["workers"], headline["threads"]):
            continue  # that is the default, measured already
        progress(f"server with POORTWACHTER_WORKERS={workers} THREADS={threads or 1}")
        results.append(measure_server((workers, threads), options, data_dir, crowd))
    return results


def machine() -> dict:
    return {"cores": CORES, "python": platform.python_version(), "platform": platform.platform(),
            "argon2_cffi": version("argon2-cffi"), "django": version("django"),
            "gunicorn": version("gunicorn"), "page_tool": page_load.tool()}


def save(results: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / time.strftime("bench-%Y%m%d-%H%M%S.json")
    text = json.dumps(results, indent=2, default=str)
    path.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    return path


# --- command line ---------------------------------------------------------------------------

def configs(text: str) -> list[tuple[int, int | None]]:
    """'2,3,4,2x4' -> [(2, None), (3, None), (4, None), (2, 4)]: workers, optionally x threads."""
    result = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        workers, _, threads = item.partition("x")
        result.append((int(workers), int(threads) if threads else None))
    return result


def arguments(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--configs", type=configs, default=configs(f"{CORES},{CORES + 1},{2 * CORES}"),
                   help="worker counts to compare, e.g. '2,3,4', or '2x4' for 2 gthread workers "
                        "with 4 threads (default: cores, cores+1, 2*cores)")
    p.add_argument("--clients", type=int, default=2 * CORES,
                   help="people signing in at once, each from an address of their own (default 2 per core)")
    p.add_argument("--connections", type=int, default=4 * CORES, help="connections for the page comparison")
    p.add_argument("--warmup", type=float, default=3, help="seconds of sign-ins before counting")
    p.add_argument("--seconds", type=float, default=12, help="seconds of counted sign-ins per configuration")
    p.add_argument("--signin-rounds", type=int, default=6,
                   help="turns the headline sign-ins and the argon2 ceiling take (side by side)")
    p.add_argument("--paced-seconds", type=float, default=20, help="seconds of paced half-load sign-ins")
    p.add_argument("--page-seconds", type=float, default=9, help="seconds per page in the page comparison")
    p.add_argument("--rounds", type=int, default=3, help="turns the two pages take in the comparison")
    p.add_argument("--flood-seconds", type=float, default=12,
                   help="counted seconds of sign-ins without, and as many with, the attack")
    p.add_argument("--flood-rounds", type=int, default=3, help="turns without and with the attack")
    p.add_argument("--attackers", type=int, default=2, help="the attacker's connections (threads)")
    p.add_argument("--argon2-seconds", type=float, default=12,
                   help="seconds of the argon2 ceiling, shared by the rounds")
    return p.parse_args(argv)


def main(argv=None) -> int:
    options = arguments(argv)
    results = measure_all(options)
    print(report.text(results), flush=True)
    progress(f"figures written to {save(results).relative_to(service.REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
