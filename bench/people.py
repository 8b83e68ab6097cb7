"""The people who sign in during the benchmark: one account and one source address each
(127.0.0.N; all of 127/8 is loopback). Many people at once is what a sign-in rush is, and
it keeps the service's per-account and per-address failure counters (which count an attempt
while its hash runs) from mistaking a benchmark for an attack. One more account is the target of the
attacker in bench/flood.py, which has an address of its own as well."""

import secrets
import subprocess
from dataclasses import dataclass

import service

ORGANISATION = "demo"


@dataclass(frozen=True)
class Person:
    identifier: str
    password: str
    source: str  # the client's own loopback address


DEMO_EMPLOYEE = Person("medewerker", "herfst-gracht-fiets-2026", "127.0.0.1")  # made by `serve`
ATTACKER_SOURCE = "127.0.0.250"  # outside the crowd's 127.0.0.11-210


def crowd(count: int) -> list[Person]:
    """`count` people with strong random passwords (not yet in any database)."""
    if not 1 <= count <= 200:
        raise ValueError("between 1 and 200 people, each with an address 127.0.0.11-210")
    return [Person(f"bench-{n}", f"{secrets.token_urlsafe(12)} tulp molen {n}", f"127.0.0.{10 + n}")
            for n in range(1, count + 1)]


def flood_target() -> Person:
    """The account an attacker floods with wrong passwords (nobody else signs in with it);
    its source is the attacker's address. Its own password is never sent."""
    return Person("bench-target", f"{secrets.token_urlsafe(12)} dijk sluis", ATTACKER_SOURCE)


def enrol(svc, people: list[Person]) -> None:
    """Create the people as employees of the demo organisation with the product's own CLI,
    in the running service's data directory (all at once: each is a process of its own)."""
    processes = [
        subprocess.Popen(
            [service.executable(), "--data-dir", str(svc.data_dir), "createuser", ORGANISATION,
             f"{p.identifier}@{ORGANISATION}.poortwachter.test", "--username", p.identifier,
             "--role", "medewerker", "--password-stdin"],
            env=service.environment(svc.data_dir), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        for p in people
    ]
    for person, process in zip(people, processes):
        _, error = process.communicate(person.password + "\n", timeout=120)
        if process.returncode:
            raise RuntimeError(f"could not create {person.identifier}: {error.strip()}")
