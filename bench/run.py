"""`make bench`: how close the running service comes to what this machine can do.

Starts `poortwachter serve` as a real process (gunicorn, SQLite in a fresh data directory,
the demo organisation) and talks to it over real HTTP on 127.0.0.1. It measures:

1. argon2id itself, in this same run: one verify on one thread, and the ceiling -- verifies
   per second with one process per core. A password sign-in cannot be faster than its hash,
   so the ceiling is the yardstick for everything the web stack adds.
2. Password sign-ins per second with enough concurrent clients to keep every core busy,
   beside that ceiling (target: at least 85 % of it).
3. The p99 latency of sign-ins paced at half that rate (open loop: latency counts from the
   moment a request was due), beside one verify (target: at most 3x one verify).
4. Requests per second of a signed-in page (/demo/dashboard) beside the bare /healthz of the
   same server, measured the same way (target: at least 70 %). This is what sessions,
   the organisation lookup and templates cost.
5. Sign-ins per second for several gunicorn worker counts, to find the best configuration.

It prints tables, writes the figures as JSON to bench/results/, and exits 0 whether or not
the targets are met: a benchmark reports, it is not a test.
"""

import argparse
import json
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

import argon2_ceiling
import background
import page_load
import service
import signin_load

SIGNIN_SHARE_TARGET = 0.85   # sign-ins/s as a share of the argon2 ceiling
P99_VERIFIES_TARGET = 3.0    # p99 at half load, in single-verify times
PAGE_SHARE_TARGET = 0.70     # signed-in page rps as a share of /healthz rps
BACKGROUND_WARNING = 0.05   # others' CPU share above which the run is called noisy
DASHBOARD = f"/{signin_load.ORGANISATION}/dashboard"
RESULTS = Path(__file__).resolve().parent / "results"
CORES = os.cpu_count() or 1


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- measuring ------------------------------------------------------------------------------

def signed_in_headers(svc) -> dict:
    session = signin_load.sign_in(svc, signin_load.fetch_csrf(svc))
    if session is None:
        raise RuntimeError("the demo employee could not sign in")
    headers = {"Cookie": f"{signin_load.SESSION_COOKIE}={session}"}
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


def measure_server(config: tuple[int | None, int | None], options, full: bool) -> dict:
    """Start the server with (workers, threads); sign-ins at full load and, for the headline
    configuration, the paced half load and the pages."""
    workers, threads = config
    with service.running(workers, threads) as svc:
        signin = signin_load.saturate(svc, options.clients, options.warmup, options.seconds)
        if not signin["per_second"]:
            raise RuntimeError(f"no sign-in succeeded ({signin['failed']} failed: {signin['errors']})")
        result = {"workers": svc.worker_count(), "threads": threads or 1, "signin": signin}
        progress(f"  {result['workers']} workers x {result['threads']} threads: "
                 f"{signin['per_second']:.1f} sign-ins/s")
        if full:
            rate = signin["per_second"] / 2
            progress(f"  paced sign-ins at {rate:.1f}/s for {options.paced_seconds:.0f} s")
            result["half_load"] = signin_load.paced(svc, rate, options.paced_seconds)
            progress(f"  /healthz and {DASHBOARD} with {page_load.tool()}")
            result["pages"] = measure_pages(svc, options.connections, options.page_seconds, options.rounds)
    return result


def measure_ceiling(seconds: float) -> dict:
    progress(f"argon2id: ceiling with {CORES} processes for {seconds:.0f} s")
    return argon2_ceiling.ceiling(seconds)


def measure_all(options) -> dict:
    """The ceiling is measured just before and just after the headline server, and the two
    averaged: background load that comes or goes meanwhile shows as a gap between them."""
    meter = background.Meter()
    progress("argon2id: one verify on one thread")
    one = argon2_ceiling.one_verify_seconds()
    before = measure_ceiling(options.argon2_seconds / 2)
    progress("server with its default configuration")
    headline = measure_server((None, None), options, full=True)
    after = measure_ceiling(options.argon2_seconds / 2)
    ceiling = {**before, "per_second": (before["per_second"] + after["per_second"]) / 2,
               "before": before["per_second"], "after": after["per_second"]}
    sweep = [headline]
    for workers, threads in options.configs:
        if (workers, threads or 1) == (headline["workers"], headline["threads"]):
            continue  # that is the default, measured already
        progress(f"server with POORTWACHTER_WORKERS={workers} THREADS={threads or 1}")
        sweep.append(measure_server((workers, threads), options, full=False))
    return {"machine": machine(), "options": vars(options), "argon2_one": one,
            "argon2_ceiling": ceiling, "headline": headline, "sweep": sweep,
            "others_cpu_share": meter.others_share()}


def machine() -> dict:
    return {"cores": CORES, "python": platform.python_version(), "platform": platform.platform(),
            "argon2_cffi": version("argon2-cffi"), "django": version("django"),
            "gunicorn": version("gunicorn"), "page_tool": page_load.tool()}


# --- reporting ------------------------------------------------------------------------------

def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


def verdict(ok: bool) -> str:
    return "ok" if ok else "NOT OK"


def latencies(summary: dict) -> str:
    return f"p50 {ms(summary['p50'])}, p99 {ms(summary['p99'])}"


def failures(result: dict) -> str:
    return f", {result['failed']} failed" if result.get("failed") else ""


def argon2_rows(results: dict) -> list[tuple]:
    one, ceiling = results["argon2_one"], results["argon2_ceiling"]
    return [
        ("argon2id verify, 1 thread (median)", f"{ms(one['median'])} (fastest {ms(one['min'])})", "", ""),
        (f"argon2id ceiling, {ceiling['processes']} processes",
         f"{ceiling['per_second']:.1f} verifies/s (before {ceiling['before']:.1f}, after {ceiling['after']:.1f})", "", ""),
    ]


def signin_rows(results: dict) -> list[tuple]:
    head, ceiling = results["headline"], results["argon2_ceiling"]["per_second"]
    signin, half = head["signin"], head["half_load"]
    share = signin["per_second"] / ceiling
    p99, limit = half["latency"]["p99"], P99_VERIFIES_TARGET * results["argon2_one"]["median"]
    config = f"{head['workers']} workers x {head['threads']} threads"
    return [
        (f"password sign-ins/s, {signin['clients']} clients ({config})",
         f"{signin['per_second']:.1f}/s ({latencies(signin['latency'])}{failures(signin)})", "", ""),
        ("sign-ins / argon2 ceiling", f"{share:.0%}", f">= {SIGNIN_SHARE_TARGET:.0%}",
         verdict(share >= SIGNIN_SHARE_TARGET and not signin["failed"])),
        (f"sign-in p99 at half load ({half['rate']:.1f}/s paced)",
         f"{ms(p99)} (p50 {ms(half['latency']['p50'])}{failures(half)})",
         f"<= {ms(limit)} (3x verify)", verdict(p99 is not None and p99 <= limit and not half["failed"])),
    ]


def page_rows(results: dict) -> list[tuple]:
    pages = results["headline"]["pages"]
    bare, signed = pages["bare"], pages["signed_in"]
    share = signed["per_second"] / bare["per_second"]
    how = f"{bare['tool']}, {bare['connections']} conns"
    return [
        (f"GET /healthz rps ({how})", f"{bare['per_second']:.0f}/s ({latencies(bare['latency'])}{failures(bare)})", "", ""),
        (f"GET {DASHBOARD} signed in rps ({how})",
         f"{signed['per_second']:.0f}/s ({latencies(signed['latency'])}{failures(signed)})", "", ""),
        ("signed-in page / bare endpoint", f"{share:.0%}", f">= {PAGE_SHARE_TARGET:.0%}",
         verdict(share >= PAGE_SHARE_TARGET and not signed["failed"])),
    ]


def sweep_rows(results: dict) -> list[tuple]:
    ceiling = results["argon2_ceiling"]["per_second"]
    best = max(results["sweep"], key=lambda r: r["signin"]["per_second"])
    rows = []
    for r in sorted(results["sweep"], key=lambda r: (r["threads"], r["workers"])):
        s = r["signin"]
        rows.append((f"{r['workers']} x {r['threads']}" + (" (default)" if r is results["headline"] else ""),
                     f"{s['per_second']:.1f}", f"{s['per_second'] / ceiling:.0%}", ms(s["latency"]["p50"]),
                     ms(s["latency"]["p99"]), str(s["failed"]), "best" if r is best else ""))
    return rows


def table(header: tuple, rows: list[tuple]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = lambda row: "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip()
    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *map(line, rows)])


def report(results: dict) -> str:
    m = results["machine"]
    title = (f"Poortwachter benchmark -- {m['cores']} cores, Python {m['python']}, "
             f"argon2-cffi {m['argon2_cffi']}, Django {m['django']}, gunicorn {m['gunicorn']}")
    main = table(("measure", "figure", "target", "ok"),
                 argon2_rows(results) + signin_rows(results) + page_rows(results))
    sweep = table(("workers x threads", "sign-ins/s", "of ceiling", "p50", "p99", "failed", ""),
                  sweep_rows(results))
    return (f"\n{title}\n{background_note(results['others_cpu_share'])}\n\n{main}\n\n"
            f"Sign-ins per server configuration (sync workers when threads = 1)\n\n{sweep}\n")


def background_note(share: float) -> str:
    note = f"Other processes used {share:.0%} of the machine's CPU during this run"
    if share > BACKGROUND_WARNING:
        note += ": every figure is lower and noisier than on a quiet machine; run again when it is quiet"
    return note + "."


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
                   help="worker counts to compare, e.g. '2,3,4' or '2x4' for gthread (default: cores, cores+1, 2*cores)")
    p.add_argument("--clients", type=int, default=2 * CORES, help="concurrent sign-in clients (default 2 per core)")
    p.add_argument("--connections", type=int, default=4 * CORES, help="connections for the page comparison")
    p.add_argument("--warmup", type=float, default=3, help="seconds of sign-ins before counting")
    p.add_argument("--seconds", type=float, default=10, help="seconds of counted sign-ins per configuration")
    p.add_argument("--paced-seconds", type=float, default=12, help="seconds of paced half-load sign-ins")
    p.add_argument("--page-seconds", type=float, default=9, help="seconds per page in the page comparison")
    p.add_argument("--rounds", type=int, default=3, help="turns the two pages take in the comparison")
    p.add_argument("--argon2-seconds", type=float, default=10,
                   help="seconds of the argon2 ceiling (half before, half after the headline server)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    options = arguments(argv)
    results = measure_all(options)
    print(report(results), flush=True)
    progress(f"figures written to {save(results).relative_to(service.REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
