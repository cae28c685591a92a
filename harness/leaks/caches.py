"""The bounded caches' own byte counts, scraped from the server's /metrics during a leak check.

RSS growth alone cannot tell a leak from a cache filling up to its bound (the conversation
store, the evicted-id ring). The server reports what those caches hold (``zen_store_bytes``,
``zen_store_tombstone_bytes``); :class:`CacheSampler` polls them on a thread while the load
runs, so the leak report can set RSS growth against the caches' growth and name what is
left over: growth no bounded cache accounts for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from prometheus_client.parser import text_string_to_metric_families

MB = 1024 * 1024
# Every cache that is bounded by design and reports its own bytes (a file cache joins when it exists).
BOUNDED_CACHE_METRICS = ("zen_store_bytes", "zen_store_tombstone_bytes")


def cache_bytes(exposition: str) -> float | None:
    """Sum of the bounded caches' byte gauges in a /metrics body; None when none is there."""
    found = [
        sample.value
        for family in text_string_to_metric_families(exposition)
        if family.name in BOUNDED_CACHE_METRICS
        for sample in family.samples
    ]
    return float(sum(found)) if found else None


TOOL_CALLS_METRIC = "zen_tool_calls_total"


def tool_calls(exposition: str) -> float | None:
    """Tool calls the server finished (every tool, every outcome); None when not exported."""
    wanted = {TOOL_CALLS_METRIC, TOOL_CALLS_METRIC.removesuffix("_total")}
    found = [
        sample.value
        for family in text_string_to_metric_families(exposition)
        if family.name in wanted
        for sample in family.samples
        if sample.name.endswith("_total")
    ]
    return float(sum(found)) if found else None


class CacheSampler:
    """(epoch seconds, bounded caches MB) every ``every_s`` while :meth:`running` is open, and
    (epoch seconds, tool calls finished) from the same scrape: the calls a growth is spread over."""

    def __init__(self, every_s: float = 2.0) -> None:
        self.every_s = every_s
        self.samples: list[tuple[float, float]] = []
        self.calls: list[tuple[float, float]] = []
        self.errors = 0

    @contextmanager
    def running(self, metrics_url: str) -> Iterator[None]:
        stop = threading.Event()
        thread = threading.Thread(
            target=self._poll, args=(metrics_url, stop), name="leak-cache-sampler", daemon=True
        )
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=10.0)

    def _poll(self, url: str, stop: threading.Event) -> None:
        with httpx.Client(timeout=5.0) as client:
            while not stop.is_set():
                try:
                    text = client.get(url).text
                    value, calls = cache_bytes(text), tool_calls(text)
                except (httpx.HTTPError, ValueError):
                    value, calls = None, None
                now = time.time()
                if calls is not None:
                    self.calls.append((now, calls))
                if value is None:
                    self.errors += 1
                else:
                    self.samples.append((now, value / MB))
                stop.wait(self.every_s)

    def at(self, epoch_s: float) -> float | None:
        """The last sample taken at or before ``epoch_s`` (the first one if none was)."""
        return _at(self.samples, epoch_s)

    def calls_at(self, epoch_s: float) -> float | None:
        """Tool calls finished by ``epoch_s`` (the last scrape at or before it)."""
        return _at(self.calls, epoch_s)


def _at(samples: list[tuple[float, float]], epoch_s: float) -> float | None:
    before = [value for t, value in samples if t <= epoch_s]
    if before:
        return before[-1]
    return samples[0][1] if samples else None


def per_call(growth: dict[str, float], calls_warm: float | None, calls_end: float | None) -> dict[str, float]:
    """Heap retained per call between the two moments, the bounded caches' growth subtracted:
    a leak of a kilobyte a call shows here long before it shows in RSS. Empty without data."""
    if calls_warm is None or calls_end is None or calls_end <= calls_warm or "caches_growth_mb" not in growth:
        return {}
    calls = calls_end - calls_warm
    retained = (growth["heap_growth_mb"] - growth["caches_growth_mb"]) * MB
    return {"calls_in_window": calls, "retained_bytes_per_call": retained / calls}


def split_growth(
    rss_growth_mb: float, caches_warm_mb: float | None, caches_end_mb: float | None
) -> dict[str, float]:
    """RSS growth set against the bounded caches' growth; empty when the caches were not seen."""
    if caches_warm_mb is None or caches_end_mb is None:
        return {}
    caches_growth = caches_end_mb - caches_warm_mb
    return {
        "caches_warm_mb": caches_warm_mb,
        "caches_end_mb": caches_end_mb,
        "caches_growth_mb": caches_growth,
        "unexplained_growth_mb": rss_growth_mb - caches_growth,
    }


__all__ = ["BOUNDED_CACHE_METRICS", "CacheSampler", "cache_bytes", "per_call", "split_growth", "tool_calls"]
