"""Small statistics over call records: percentiles, rates, and per-second series for plots."""

from __future__ import annotations

import math
from collections.abc import Sequence

from harness.chaos.records import CallRecord


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile (pct in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def error_rate(calls: Sequence[CallRecord]) -> float | None:
    if not calls:
        return None
    return sum(1 for c in calls if not c.ok) / len(calls)


def bucket_series(
    calls: Sequence[CallRecord], end: float, width: float = 1.0
) -> list[tuple[float, int, int]]:
    """Per bucket of ``width`` seconds (by completion time): (bucket start, ok, failed)."""
    count = max(1, math.ceil(end / width))
    ok = [0] * count
    failed = [0] * count
    for call in calls:
        index = min(count - 1, max(0, int(call.end / width)))
        if call.ok:
            ok[index] += 1
        else:
            failed[index] += 1
    return [(i * width, ok[i], failed[i]) for i in range(count)]
