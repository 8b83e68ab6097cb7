"""An attacker who floods one account with wrong passwords as fast as it can, from a loopback
address of its own, while the benchmark measures the legitimate sign-ins beside it.

The attacker is a separate process (its threads do not take the GIL from the legitimate
clients) and as lean as a client can be: one CSRF pair fetched once, one `http.client`
connection per thread that is kept alive where the server allows it and reopened where it
does not (sync gunicorn workers close after every answer), a form body made by appending a
counter to fixed bytes, and of each answer only the status read. It stops when told, and by
itself after `limit` seconds in any case.

Which of its attempts cost a password hash is read from the server's own audit log in the
SQLite database: a wrong password that was hashed is a `signin.failed` row; an attempt
refused for a missing CAPTCHA writes none."""

import http.client
import multiprocessing
import queue
import sqlite3
import threading
import time
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlencode

from people import ORGANISATION, Person
from signin_load import CSRF_COOKIE, TIMEOUT, Credentials

DATABASE = "poortwachter.sqlite3"
PATH = f"/{ORGANISATION}/login"


def _guesses(credentials: Credentials, target: Person, thread: int) -> bytes:
    """The form up to the password; the guess (`wrong-<thread>-<n>`) is appended per attempt."""
    return urlencode({"csrfmiddlewaretoken": credentials.token, "identifier": target.identifier,
                      "password": f"wrong-{thread}-"}).encode()


def _hammer(host: str, port: int, source: str, form: bytes, headers: dict, done: threading.Event,
            statuses: dict) -> None:
    """Wrong passwords one after another on one connection until `done`; tallies statuses
    (or error names) in `statuses`, which only this thread writes."""
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT, source_address=(source, 0))
    n = 0
    while not done.is_set():
        n += 1
        try:
            connection.request("POST", PATH, form + str(n).encode(), headers)
            response = connection.getresponse()
            response.read()
            outcome = response.status
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            outcome = type(error).__name__
        statuses[outcome] = statuses.get(outcome, 0) + 1
    connection.close()


def _attack(host: str, port: int, target: Person, credentials: Credentials, threads: int,
            started, stop, limit: float, results) -> None:
    """The attacker process: `threads` connections until `stop` is set or `limit` passes."""
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Cookie": f"{CSRF_COOKIE}={credentials.cookie}"}
    done, tallies = threading.Event(), [{} for _ in range(threads)]
    workers = [threading.Thread(target=_hammer, args=(host, port, target.source,
                                                      _guesses(credentials, target, i), headers,
                                                      done, tallies[i]))
               for i in range(threads)]
    begin = time.perf_counter()
    for worker in workers:
        worker.start()
    started.set()
    stop.wait(limit)
    done.set()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - begin
    statuses = {}
    for tally in tallies:
        for outcome, n in tally.items():
            statuses[str(outcome)] = statuses.get(str(outcome), 0) + n
    results.put({"requests": sum(statuses.values()), "seconds": seconds, "statuses": statuses,
                 "threads": threads, "source": target.source})


class Flood:
    """A running attacker; `result` holds its figures once the `flooding` block has ended."""

    def __init__(self, service, target: Person, credentials: Credentials, threads: int, limit: float):
        context = multiprocessing.get_context("spawn")
        self.started, self.stop, self.results = context.Event(), context.Event(), context.Queue()
        self.process = context.Process(
            target=_attack, daemon=True,
            args=(service.host, service.port, target, credentials, threads, self.started, self.stop,
                  limit, self.results))
        self.limit, self.result = limit, None

    def start(self) -> None:
        self.process.start()
        if not self.started.wait(30):
            self.process.kill()
            raise RuntimeError("the attacker process did not start")

    def finish(self) -> dict:
        self.stop.set()
        try:
            self.result = self.results.get(timeout=self.limit + 30)
        except queue.Empty:
            self.process.kill()
            raise RuntimeError("the attacker process gave no figures") from None
        self.result["per_second"] = self.result["requests"] / self.result["seconds"]
        self.process.join(timeout=10)
        return self.result


@contextmanager
def flooding(service, target: Person, credentials: Credentials, threads: int = 2, limit: float = 120):
    """Attack `target` for the duration of the block (at most `limit` seconds)."""
    flood = Flood(service, target, credentials, threads, limit)
    flood.start()
    try:
        yield flood
    finally:
        flood.finish()


def combine(runs: list[dict]) -> dict:
    """Several attacks as one: the rate from the totals, the statuses added up."""
    statuses = {}
    for run in runs:
        for outcome, n in run["statuses"].items():
            statuses[outcome] = statuses.get(outcome, 0) + n
    requests, seconds = sum(r["requests"] for r in runs), sum(r["seconds"] for r in runs)
    return {**runs[0], "requests": requests, "seconds": seconds, "per_second": requests / seconds,
            "statuses": statuses}


# --- the server's own record -----------------------------------------------------------------

def _database(data_dir: Path):
    return closing(sqlite3.connect(f"file:{data_dir / DATABASE}?mode=ro", uri=True, timeout=10))


def audit_counts(data_dir: Path, source: str) -> dict:
    """Audit rows from `source` by type, e.g. {"signin.failed": 3, "captcha.demanded": ...}."""
    with _database(data_dir) as db:
        rows = db.execute("SELECT type, COUNT(*) FROM security_auditevent WHERE source = ? "
                          "GROUP BY type", (source,)).fetchall()
    return dict(rows)


def captcha_after_failures(data_dir: Path) -> int | None:
    """The organisation's policy: failed attempts of one account before it demands a CAPTCHA."""
    with _database(data_dir) as db:
        row = db.execute("SELECT p.captcha_after_failures FROM tenants_policy p JOIN tenants_organisation o "
                         "ON o.id = p.organisation_id WHERE o.slug = ?", (ORGANISATION,)).fetchone()
    return row[0] if row else None
