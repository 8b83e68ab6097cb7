"""The argon2id ceiling of this machine: how long one verify takes on one thread, and how
many verifies per second all cores do together (one process per core), with the service's
parameters (m=19456 KiB, t=2, p=1)."""

import multiprocessing
import os
import statistics
import time

from argon2 import PasswordHasher

PASSWORD = "herfst-gracht-fiets-2026"


def hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def one_verify_seconds(samples: int = 40) -> dict:
    """Median and fastest time of a single verify on one thread (nothing else running)."""
    h = hasher()
    stored = h.hash(PASSWORD)
    h.verify(stored, PASSWORD)  # first touch of the memory
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        h.verify(stored, PASSWORD)
        times.append(time.perf_counter() - start)
    return {"median": statistics.median(times), "min": min(times), "samples": samples}


def _verify_for(seconds: float, barrier, results) -> None:
    h = hasher()
    stored = h.hash(PASSWORD)
    h.verify(stored, PASSWORD)
    barrier.wait()
    start = time.perf_counter()
    end, count = start + seconds, 0
    while time.perf_counter() < end:
        h.verify(stored, PASSWORD)
        count += 1
    results.put(count / (time.perf_counter() - start))


def ceiling(seconds: float, processes: int | None = None) -> dict:
    """Verifies per second with `processes` (default: one per core) verifying at once."""
    processes = processes or os.cpu_count() or 1
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(processes), context.Queue()
    workers = [context.Process(target=_verify_for, args=(seconds, barrier, results))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    rates = [results.get(timeout=seconds + 60) for _ in workers]
    for worker in workers:
        worker.join()
    return {"per_second": sum(rates), "processes": processes, "seconds": seconds}
