"""How much of the machine other processes used while the benchmark ran. The benchmark's own
CPU (itself, and every process it started once reaped: servers, argon2 processes, wrk) is
subtracted from what /proc/stat says the whole machine did; what is left was someone else's,
and it makes every figure of the run lower and noisier."""

import os
import time

TICKS = os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / TICKS  # guest time is already inside user


def _own_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Meter:
    def __init__(self):
        self.start = (time.monotonic(), _machine_busy_seconds(), _own_seconds())

    def others_share(self) -> float:
        """Share of all cores that other processes kept busy since the meter started."""
        wall, busy, own = (now - then for now, then in
                           zip((time.monotonic(), _machine_busy_seconds(), _own_seconds()), self.start))
        return max(0.0, busy - own) / (wall * (os.cpu_count() or 1))
