"""Cache figures in /metrics, read from each cache's counters at scrape time.

The caches count in plain integers on their hot path (a file cache hit runs on a file
thread, where emitting events would cost more than the hit); this collector turns them
into ``zen_cache_*`` series labelled by cache name when Prometheus scrapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector


class Counts(Protocol):
    hits: int
    misses: int
    evictions: int
    joins: int
    stores: int


@dataclass(frozen=True, slots=True)
class WatchedCache:
    stats: Counts
    bytes: Callable[[], int] = lambda: 0
    errors: Callable[[], int] = lambda: 0
    by_tool: Callable[[], Mapping[str, Sequence[int]]] = dict  # tool -> (hits, misses)


_COUNTERS = {
    "hits": ("hits", "Cache lookups answered from the cache."),
    "misses": ("misses", "Cache lookups not in the cache."),
    "evictions": ("evictions", "Entries dropped to stay inside the byte budget."),
    "joins": ("single_flight_joins", "Calls that shared an identical call (or read) in flight."),
    "stores": ("stores", "Entries written to the cache."),
}


class CacheCollector(Collector):
    def __init__(self, caches: Mapping[str, WatchedCache]) -> None:
        self._caches = dict(caches)

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        counters = {
            field: CounterMetricFamily(f"zen_cache_{name}", text, labels=["cache"])
            for field, (name, text) in _COUNTERS.items()
        }
        errors = CounterMetricFamily(
            "zen_cache_errors", "Cache tier failures served as misses (Redis down or slow).", labels=["cache"]
        )
        size = GaugeMetricFamily("zen_cache_bytes", "Bytes held by the cache.", labels=["cache"])
        tool_lookups = CounterMetricFamily(
            "zen_cache_tool_lookups",
            "Cache lookups by asking tool and outcome.",
            labels=["cache", "tool", "outcome"],
        )
        for name, cache in self._caches.items():
            for field, family in counters.items():
                family.add_metric([name], float(getattr(cache.stats, field)))
            errors.add_metric([name], float(cache.errors()))
            size.add_metric([name], float(cache.bytes()))
            for tool, (hits, misses) in sorted(cache.by_tool().items()):
                tool_lookups.add_metric([name, tool, "hit"], float(hits))
                tool_lookups.add_metric([name, tool, "miss"], float(misses))
        yield from counters.values()
        yield errors
        yield size
        yield tool_lookups


def watch_caches(registry: CollectorRegistry, caches: Mapping[str, WatchedCache]) -> None:
    registry.register(CacheCollector(caches))


def cache_rows(caches: Mapping[str, WatchedCache]) -> list[dict[str, object]]:
    """The dashboard's cache table: one row per cache, counters since start."""
    rows: list[dict[str, object]] = []
    for name, cache in caches.items():
        stats = cache.stats
        looked = stats.hits + stats.misses
        rows.append(
            {
                "cache": name,
                "hits": stats.hits,
                "misses": stats.misses,
                "hit_rate": stats.hits / looked if looked else None,
                "joins": stats.joins,
                "evictions": stats.evictions,
                "errors": cache.errors(),
                "bytes": cache.bytes(),
            }
        )
    return rows


__all__ = ["CacheCollector", "WatchedCache", "cache_rows", "watch_caches"]
