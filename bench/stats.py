"""Turning samples into figures: percentiles in milliseconds, rates, and medians across repeats."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from bench.load import LoadResult


def percentile(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) by the nearest-rank method; ``None`` without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def summarize(result: LoadResult) -> dict[str, Any]:
    """Latency percentiles (ms), completed runs per second and relayed tokens per second."""
    ok = result.ok
    ttft = [s.ttft for s in ok if s.ttft is not None]
    ttlt = [s.ttlt for s in ok if s.ttlt is not None]
    per_stream = [s.tokens / s.ttlt for s in ok if s.ttlt]
    wall = result.wall or 1e-9
    return {
        "runs": len(result.samples),
        "errors": len(result.errors),
        "first_error": result.errors[0] if result.errors else None,
        "ttft_ms": {f"p{q}": ms(percentile(ttft, q)) for q in (50, 90, 99)},
        "ttlt_ms": {f"p{q}": ms(percentile(ttlt, q)) for q in (50, 90, 99)},
        "runs_per_s": round(len(ok) / wall, 1),
        "tokens_per_s": round(sum(s.tokens for s in ok) / wall),
        "stream_tokens_per_s_p50": round(statistics.median(per_stream)) if per_stream else None,
        "tokens_per_run": round(statistics.mean(s.tokens for s in ok), 1) if ok else 0,
    }


def median_of(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 2) if present else None


def spread(values: list[float | None]) -> str:
    """``min-max`` of the repeats, to show how noisy a figure was."""
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return ""
    return f"{min(present):g}-{max(present):g}"


def alternating_medians(cases: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """The median of each case's measurement over ``rounds`` rounds that run every case in turn,
    so that a noisy machine slows them alike, after one unmeasured run of each (imports, caches).
    """
    for case in cases.values():
        case()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            samples[name].append(case())
    return {name: statistics.median(values) for name, values in samples.items()}
