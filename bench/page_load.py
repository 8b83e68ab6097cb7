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
            "failed": failed, "errors": raw["errors"], "bytes_per_request": raw["bytes"] / max(1, raw["requests"]),
            "latency": latency, "seconds": duration}


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
