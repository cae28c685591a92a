"""A byte-bounded LRU with an optional TTL, safe to share between threads.

Why not a library LRU: the caches here need a byte budget, a TTL, eviction counts and a
lock together, and each entry's size is known when it is stored; an ``OrderedDict`` does
all of it in a few lines. Entries larger than the whole budget are not stored at all.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


@dataclass(slots=True)
class CacheStats:
    """Counters of one cache, read by metrics and benchmarks."""

    hits: int = 0
    misses: int = 0
    evictions: int = 0
    joins: int = 0  # single-flight: callers that shared another caller's work
    stores: int = 0

    @property
    def hit_rate(self) -> float:
        looked = self.hits + self.misses
        return self.hits / looked if looked else 0.0


@dataclass(slots=True)
class _Entry(Generic[V]):
    value: V
    size: int
    expires: float  # monotonic; inf when there is no TTL


class ByteLRU(Generic[K, V]):
    """``get``/``put`` under a byte budget; least recently used entries go first."""

    def __init__(
        self,
        max_bytes: int,
        *,
        ttl_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_evict: Callable[[int], None] | None = None,
    ) -> None:
        if max_bytes < 0:
            raise ValueError("a cache budget cannot be negative")
        self.max_bytes = max_bytes
        self.ttl_s = ttl_s
        self.stats = CacheStats()
        self._clock = clock
        self._on_evict = on_evict
        self._entries: OrderedDict[K, _Entry[V]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.expires <= self._clock():
                self._drop(key)
                entry = None
            if entry is None:
                self.stats.misses += 1
                return None
            self._entries.move_to_end(key)
            self.stats.hits += 1
            return entry.value

    def put(self, key: K, value: V, size: int) -> bool:
        """Store ``value`` (``size`` bytes); False when it is larger than the whole budget."""
        if size > self.max_bytes:
            return False
        expires = self._clock() + self.ttl_s if self.ttl_s is not None else float("inf")
        evicted = 0
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = _Entry(value, size, expires)
            self._bytes += size
            self.stats.stores += 1
            while self._bytes > self.max_bytes:
                oldest = next(iter(self._entries))
                self._drop(oldest)
                evicted += 1
            self.stats.evictions += evicted
        if evicted and self._on_evict is not None:
            self._on_evict(evicted)
        return True

    def discard(self, key: K) -> None:
        with self._lock:
            if key in self._entries:
                self._drop(key)

    def _drop(self, key: K) -> None:
        entry = self._entries.pop(key)
        self._bytes -= entry.size


__all__ = ["ByteLRU", "CacheStats"]
