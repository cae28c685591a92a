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


class CacheSampler:
    """(epoch seconds, bounded caches MB) every ``every_s`` while :meth:`running` is open."""

    def __init__(self, every_s: float = 2.0) -> None:
        self.every_s = every_s
        self.samples: list[tuple[float, float]] = []
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
                    value = cache_bytes(client.get(url).text)
                except (httpx.HTTPError, ValueError):
                    value = None
                if value is None:
                    self.errors += 1
                else:
                    self.samples.append((time.time(), value / MB))
                stop.wait(self.every_s)

    def at(self, epoch_s: float) -> float | None:
        """The last sample taken at or before ``epoch_s`` (the first one if none was)."""
        before = [mb for t, mb in self.samples if t <= epoch_s]
        if before:
            return before[-1]
        return self.samples[0][1] if self.samples else None


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


__all__ = ["BOUNDED_CACHE_METRICS", "CacheSampler", "cache_bytes", "split_growth"]
