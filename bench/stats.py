"""Latency summaries: count, mean and nearest-rank percentiles, in seconds."""

import math


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile of unsorted `values` (p in 0..100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(latencies: list[float]) -> dict:
    if not latencies:
        return {"count": 0, "mean": None, "p50": None, "p90": None, "p99": None, "max": None}
    return {
        "count": len(latencies),
        "mean": sum(latencies) / len(latencies),
        "p50": percentile(latencies, 50),
        "p90": percentile(latencies, 90),
        "p99": percentile(latencies, 99),
        "max": max(latencies),
    }
