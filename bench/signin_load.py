"""Password sign-ins over real HTTP with a light client (threads, raw sockets): a closed loop
that keeps the server full, and a paced open loop at a fixed rate whose latency counts from
the moment a request was due, so a slow server cannot hide its queue (no coordinated
omission). Every answer is checked: only a 302 with a session cookie counts as signed in.
Each closed-loop client is one person (bench/people.py); the paced load takes them in turn.

The client shares the machine's cores with the server, so the measured sign-ins are sent as
prepared bytes on a raw socket and only the status line and the session cookie are read
back: http.client and SimpleCookie cost about 0.5 ms a sign-in, 2-3 % of the cores."""

import http.client
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from people import ORGANISATION, Person
from stats import summary

CSRF_COOKIE, SESSION_COOKIE = "poortwachter-csrf", "poortwachter"
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMEOUT = 30


def request(service, method: str, path: str, body: bytes | None = None, headers=None,
            source: str | None = None):
    """One request on a fresh connection (sync gunicorn workers close after each answer),
    sent from the loopback address `source` when given."""
    connection = http.client.HTTPConnection(service.host, service.port, timeout=TIMEOUT,
                                            source_address=(source, 0) if source else None)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def _cookies(headers) -> SimpleCookie:
    jar = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return jar


@dataclass
class Credentials:
    """A CSRF cookie and form token pair; one pair serves many sign-ins."""

    cookie: str
    token: str


def fetch_csrf(service) -> Credentials:
    status, headers, body = request(service, "GET", f"/{ORGANISATION}/login")
    found, jar = TOKEN.search(body), _cookies(headers)
    if status != 200 or not found or CSRF_COOKIE not in jar:
        raise RuntimeError(f"login page gave no CSRF cookie and token (status {status})")
    return Credentials(jar[CSRF_COOKIE].value, found.group(1).decode())


def sign_in_answer(service, credentials: Credentials, person: Person) -> tuple[int, str | None]:
    """The status, and the session cookie's value when the sign-in succeeded."""
    status, jar = _post_sign_in(service, credentials, person)
    return status, jar[SESSION_COOKIE].value if status == 302 and SESSION_COOKIE in jar else None


def signed_in_cookies(service, credentials: Credentials, person: Person) -> dict | None:
    """The cookies a browser holds after signing in: the session and the CSRF cookie (the
    sign-in rotates it), or None when the sign-in failed."""
    status, jar = _post_sign_in(service, credentials, person)
    if status != 302 or SESSION_COOKIE not in jar:
        return None
    return {SESSION_COOKIE: jar[SESSION_COOKIE].value,
            CSRF_COOKIE: jar[CSRF_COOKIE].value if CSRF_COOKIE in jar else credentials.cookie}


def _post_sign_in(service, credentials: Credentials, person: Person):
    body = urlencode({"identifier": person.identifier, "password": person.password,
                      "csrfmiddlewaretoken": credentials.token}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Cookie": f"{CSRF_COOKIE}={credentials.cookie}"}
    status, response_headers, _ = request(service, "POST", f"/{ORGANISATION}/login", body, headers,
                                          person.source)
    return status, _cookies(response_headers)


def sign_in(service, credentials: Credentials, person: Person) -> str | None:
    return sign_in_answer(service, credentials, person)[1]


_SESSION = re.compile(rb"\r\nSet-Cookie: " + SESSION_COOKIE.encode() + rb"=([^;\r]+)", re.IGNORECASE)
_prepared: dict[tuple, bytes] = {}


def _sign_in_request(service, credentials: Credentials, person: Person) -> bytes:
    """The whole sign-in request as bytes, made once per person and CSRF pair."""
    key = (service.host, service.port, credentials.cookie, credentials.token, person)
    found = _prepared.get(key)
    if found is None:
        body = urlencode({"identifier": person.identifier, "password": person.password,
                          "csrfmiddlewaretoken": credentials.token}).encode()
        found = _prepared[key] = (
            f"POST /{ORGANISATION}/login HTTP/1.1\r\nHost: {service.host}:{service.port}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            f"Cookie: {CSRF_COOKIE}={credentials.cookie}\r\nConnection: close\r\n\r\n").encode() + body
    return found


def _attempt(service, credentials, person) -> tuple[bool, str]:
    """(signed in, why not): an HTTP status other than a 302 with a session, or an error."""
    try:
        with socket.create_connection((service.host, service.port), timeout=TIMEOUT,
                                      source_address=(person.source, 0) if person.source else None) as sock:
            sock.sendall(_sign_in_request(service, credentials, person))
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    except OSError as error:
        return False, type(error).__name__
    answer = b"".join(chunks)
    head = answer[:answer.find(b"\r\n\r\n") + 2]
    status = int(head[9:12]) if head.startswith(b"HTTP/1.") and head[9:12].isdigit() else 0
    signed_in = status == 302 and _SESSION.search(head) is not None
    return signed_in, "" if signed_in else f"HTTP {status}"


@dataclass
class Tally:
    """Sign-ins that completed inside the measured window, with their latencies."""

    latencies: list = field(default_factory=list)
    failures: int = 0
    errors: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ok: bool, latency: float, error: str = "") -> None:
        with self.lock:
            if ok:
                self.latencies.append(latency)
            else:
                self.failures += 1
                if error:
                    self.errors[error] = self.errors.get(error, 0) + 1


def _closed_loop_client(service, person, window: tuple[float, float], tally: Tally) -> None:
    credentials = fetch_csrf(service)
    measure_from, stop_at = window
    while (start := time.perf_counter()) < stop_at:
        ok, error = _attempt(service, credentials, person)
        done = time.perf_counter()
        if measure_from <= done <= stop_at:
            tally.add(ok, done - start, error)


def saturate(service, people: list[Person], warmup: float, seconds: float) -> dict:
    """Most sign-ins per second: each person signs in again as soon as the last answered."""
    tally = Tally()
    begin = time.perf_counter()
    window = (begin + warmup, begin + warmup + seconds)
    threads = [threading.Thread(target=_closed_loop_client, args=(service, person, window, tally))
               for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"per_second": len(tally.latencies) / seconds, "clients": len(people), "seconds": seconds,
            "failed": tally.failures, "errors": tally.errors, "latency": summary(tally.latencies)}


def combine(runs: list[dict]) -> dict:
    """Several closed-loop runs as one: the rate from the totals; p50 the median of the runs'
    p50s and p99 the worst run's p99 (percentiles of separate runs cannot be merged exactly)."""
    seconds = sum(r["seconds"] for r in runs)
    errors = {}
    for run in runs:
        for reason, n in run["errors"].items():
            errors[reason] = errors.get(reason, 0) + n
    p50s = sorted(r["latency"]["p50"] for r in runs if r["latency"]["p50"] is not None) or [None]
    p99s = [r["latency"]["p99"] for r in runs if r["latency"]["p99"] is not None]
    return {**runs[0], "per_second": sum(r["per_second"] * r["seconds"] for r in runs) / seconds,
            "seconds": seconds, "failed": sum(r["failed"] for r in runs), "errors": errors,
            "latency": {"p50": p50s[len(p50s) // 2], "p99": max(p99s, default=None)},
            "rounds": [{k: r[k] for k in ("per_second", "latency", "failed")} for r in runs]}


def paced(service, people: list[Person], rate: float, seconds: float, max_in_flight: int = 64) -> dict:
    """Sign-ins started at a steady `rate` per second, whatever the server does."""
    credentials, tally = fetch_csrf(service), Tally()

    def one(due: float, person: Person) -> None:
        ok, error = _attempt(service, credentials, person)
        tally.add(ok, time.perf_counter() - due, error)

    total = max(1, int(rate * seconds))
    with ThreadPoolExecutor(max_workers=max_in_flight) as pool:
        start = time.perf_counter()
        for i in range(total):
            due = start + i / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            pool.submit(one, due, people[i % len(people)])
    return {"rate": rate, "sent": total, "seconds": seconds, "failed": tally.failures,
            "errors": tally.errors, "completed": len(tally.latencies),
            "latency": summary(tally.latencies)}
