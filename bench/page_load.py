"""Requests per second of one page with a fixed number of connections, each sending its next
request as soon as the last was answered. Uses wrk when it is installed (it costs the server
little CPU on a small machine); otherwise a compact Python generator. Both pages of a
comparison are always measured with the same tool and the same settings."""

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

from signin_load import Tally, request
from stats import summary

LUA = Path(__file__).resolve().parent / "wrk_report.lua"


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def _wrk(service, path: str, connections: int, seconds: float, headers: dict) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [service.url + path], capture_output=True, text=True,
                            check=True, timeout=seconds + 30).stdout
    line = next(l for l in output.splitlines() if l.startswith("BENCH-JSON "))
    raw = json.loads(line.removeprefix("BENCH-JSON "))
    duration = raw["duration_us"] / 1e6
    latency = {k: v / 1e6 for k, v in raw["latency_us"].items()}
    failed = sum(raw["errors"].values())
    return {"per_second": (raw["requests"] - failed) / duration, "requests": raw["requests"],
            "failed": failed, "errors": raw["errors"], "latency": latency, "seconds": duration,
            "bytes_per_request": raw["bytes"] / max(1, raw["requests"])}


def _python(service, path: str, connections: int, seconds: float, headers: dict) -> dict:
    tally, stop_at = Tally(), time.perf_counter() + seconds

    def client() -> None:
        while (start := time.perf_counter()) < stop_at:
            try:
                ok = request(service, "GET", path, headers=headers)[0] == 200
            except OSError:
                ok = False
            tally.add(ok, time.perf_counter() - start)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = len(tally.latencies)
    return {"per_second": done / seconds, "requests": done + tally.failures, "failed": tally.failures,
            "latency": summary(tally.latencies), "seconds": seconds}


def measure(service, path: str, connections: int, seconds: float, headers: dict | None = None) -> dict:
    run = _wrk if tool() == "wrk" else _python
    result = run(service, path, connections, seconds, headers or {})
    result.update(path=path, tool=tool(), connections=connections)
    return result


def combine(runs: list[dict]) -> dict:
    """Several runs of one page as one: rates from the totals; p50 the median of the runs'
    p50s and p99 the worst run's p99 (percentiles of separate runs cannot be merged exactly)."""
    seconds = sum(r["seconds"] for r in runs)
    ok = sum(r["per_second"] * r["seconds"] for r in runs)
    p50s = sorted(r["latency"]["p50"] for r in runs if r["latency"]["p50"] is not None) or [None]
    p99s = [r["latency"]["p99"] for r in runs if r["latency"]["p99"] is not None]
    return {**runs[0], "per_second": ok / seconds, "seconds": seconds,
            "requests": sum(r["requests"] for r in runs), "failed": sum(r["failed"] for r in runs),
            "latency": {"p50": p50s[len(p50s) // 2], "p99": max(p99s, default=None)},
            "rounds": [{k: r[k] for k in ("per_second", "latency", "failed")} for r in runs]}
