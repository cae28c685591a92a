"""Reading a memray capture: heap and RSS over time, growth after warm-up, top allocation sites.

memray records a memory snapshot (time, RSS, heap) every few milliseconds; ``memory_growth``
compares the snapshot when warm-up ended with the last one taken under load. Allocation
sites are grouped by their innermost Python frame: ``top_sites`` of the high-water mark
(what held memory at the peak) and of the leaked records (what was still allocated when
tracking stopped, after the server shut down).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from memray import AllocationRecord, FileReader

from harness.leaks.errors import LeakCheckError

MB = 1024 * 1024


@dataclass(frozen=True)
class MemoryPoint:
    t_s: float  # seconds since tracking started
    rss_mb: float
    heap_mb: float


@dataclass(frozen=True)
class Site:
    function: str
    file: str
    line: int
    size_mb: float
    allocations: int

    def text(self) -> str:
        return (
            f"{self.size_mb:8.2f} MB {self.allocations:8d} allocs  {self.function} ({self.file}:{self.line})"
        )


def timeline(path: Path, *, every_s: float = 1.0) -> tuple[float, list[MemoryPoint]]:
    """Tracking start (epoch s) and the snapshots thinned to one per ``every_s``."""
    try:
        reader = FileReader(path)
    except (OSError, RuntimeError) as exc:
        raise LeakCheckError(f"memray capture {path} unreadable: {exc}") from exc
    start = reader.metadata.start_time.timestamp()
    points: list[MemoryPoint] = []
    for snap in reader.get_memory_snapshots():
        t = snap.time / 1000.0 - start
        if not points or t - points[-1].t_s >= every_s:
            points.append(MemoryPoint(round(t, 2), snap.rss / MB, snap.heap / MB))
    if not points:
        raise LeakCheckError(f"memray capture {path} has no memory snapshots")
    return start, points


def memory_growth(points: list[MemoryPoint], warm_s: float, end_s: float) -> dict[str, float]:
    """Heap and RSS at warm-up end and at the end of load (the last point before end_s)."""
    within = [p for p in points if p.t_s <= end_s] or points
    after = [p for p in within if p.t_s >= warm_s] or within[-1:]
    warm, end = after[0], after[-1]
    return {
        "warm_s": warm.t_s,
        "end_s": end.t_s,
        "rss_warm_mb": warm.rss_mb,
        "rss_end_mb": end.rss_mb,
        "rss_growth_mb": end.rss_mb - warm.rss_mb,
        "heap_warm_mb": warm.heap_mb,
        "heap_end_mb": end.heap_mb,
        "heap_growth_mb": end.heap_mb - warm.heap_mb,
        "rss_peak_mb": max(p.rss_mb for p in after),
    }


def group_sites(records: Iterable[AllocationRecord], top: int) -> list[Site]:
    """Sum size and count per innermost Python frame; the ``top`` largest."""
    sizes: dict[tuple[str, str, int], list[int]] = {}
    for record in records:
        frames = record.stack_trace(max_stacks=1)
        key = frames[0] if frames else ("<native or unknown>", "?", 0)
        entry = sizes.setdefault(key, [0, 0])
        entry[0] += record.size
        entry[1] += record.n_allocations
    ranked = sorted(sizes.items(), key=lambda item: -item[1][0])[:top]
    return [Site(fn, file, line, size / MB, count) for (fn, file, line), (size, count) in ranked]


def top_sites(path: Path, top: int = 10) -> dict[str, list[dict[str, Any]]]:
    reader = FileReader(path)
    peak = group_sites(reader.get_high_watermark_allocation_records(merge_threads=True), top)
    leaked = group_sites(reader.get_leaked_allocation_records(merge_threads=True), top)
    return {"high_water_mark": [asdict(s) for s in peak], "leaked_at_exit": [asdict(s) for s in leaked]}
