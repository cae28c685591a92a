"""BoundedMemoryStore: the in-process ConversationStore with hard limits.

Bounded three ways, each enforced on every write:

* thread count (``ZEN_STORE_MAX_THREADS``): least recently used threads go first;
* bytes (``Settings.store_byte_budget``, a share of ``MEMORY_LIMIT_MB``): measured as the
  size of the Python objects a thread keeps alive (strings via ``sys.getsizeof`` plus a
  fixed per-object overhead), so the budget tracks real memory, not just text length;
* age (``CONVERSATION_TIMEOUT_HOURS``): a background task removes expired threads, and a
  read of an expired thread removes it on the spot.

Evicted and expired ids are remembered in a fixed-size tombstone ring (tombstones.py), so a
late continuation gets ThreadExpiredError (start a new conversation) rather than "never
existed", without memory that grows with traffic once the store is full.
Every method body runs without an ``await`` between reading and writing the table, so on
one event loop each operation is atomic without a lock.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Literal

from zen_server.background import BackgroundLoop
from zen_server.config import Settings
from zen_server.conversation.refusals import thread_exists, turn_limit_reached
from zen_server.conversation.sizing import state_bytes, thread_bytes, trim_process_heap, turn_bytes
from zen_server.conversation.tombstones import TombstoneRing
from zen_server.conversation.types import StoreStats, Thread, Turn
from zen_server.errors import StorageError, ThreadExpiredError, ThreadNotFoundError
from zen_server.observability.events import NullObserver, Observer, ThreadsEvicted

EvictionReason = Literal["ttl", "lru", "bytes", "memory_pressure"]

# Most ids listed in one ThreadsEvicted event; the count is always exact.
_MAX_IDS_PER_EVENT = 1000
# Freeing at least this much at once is worth asking the C allocator to hand pages back.
_TRIM_AFTER_BYTES = 16 * 1024 * 1024


class _Entry:
    __slots__ = ("expires_at", "size", "thread")

    def __init__(self, thread: Thread, size: int, expires_at: float) -> None:
        self.thread = thread
        self.size = size
        self.expires_at = expires_at


class BoundedMemoryStore:
    """A ConversationStore in this process: TTL, LRU, thread-count and byte limits."""

    def __init__(
        self,
        *,
        max_threads: int,
        byte_budget: int,
        ttl_s: float,
        observer: Observer | None = None,
        clock: Callable[[], float] = time.monotonic,
        sweep_interval_s: float = 60.0,
        tombstone_limit: int = 50_000,
    ) -> None:
        if max_threads < 1 or byte_budget < 1 or ttl_s <= 0:
            raise ValueError("max_threads, byte_budget and ttl_s must be positive")
        self._max_threads = max_threads
        self._byte_budget = byte_budget
        self._ttl_s = ttl_s
        self._observer: Observer = observer or NullObserver()
        self._clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()  # least recently used first
        self._tombstones = TombstoneRing(tombstone_limit)
        self._bytes = 0
        self._evictions = 0
        self._expirations = 0
        self._sweeper = BackgroundLoop(
            "zen-store-sweeper", self.sweep_expired, sweep_interval_s, delay_first=True
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, observer: Observer | None = None, **overrides: object
    ) -> BoundedMemoryStore:
        kwargs: dict[str, object] = {
            "max_threads": settings.zen_store_max_threads,
            "byte_budget": settings.store_byte_budget,
            "ttl_s": settings.conversation_timeout_hours * 3600.0,
            "observer": observer,
        }
        kwargs.update(overrides)
        return cls(**kwargs)  # type: ignore[arg-type]

    # --- ConversationStore ------------------------------------------------------------
    async def get(self, thread_id: str) -> Thread:
        return self._live_entry(thread_id).thread

    async def create(self, thread: Thread) -> None:
        if thread.thread_id in self._entries:
            raise thread_exists(thread.thread_id)
        size = thread_bytes(thread)
        self._check_fits(thread.thread_id, size)
        self._entries[thread.thread_id] = _Entry(thread, size, self._clock() + self._ttl_s)
        self._bytes += size
        self._enforce_limits()

    async def append(
        self,
        thread_id: str,
        turns: Sequence[Turn],
        *,
        max_turns: int,
        state: dict[str, object] | None = None,
    ) -> Thread:
        entry = self._live_entry(thread_id)
        thread = entry.thread
        existing_ids = {t.turn_id for t in thread.turns}
        repeated = [t.turn_id for t in turns if t.turn_id in existing_ids]
        if repeated:
            if len(repeated) == len(turns):
                return thread  # a retried append that already landed: keep it exactly once
            raise StorageError(f"turns {repeated} are already in thread {thread_id}; nothing was written")
        if len(thread.turns) + len(turns) > max_turns:
            raise turn_limit_reached(thread_id, len(thread.turns), max_turns)
        updated = dataclasses.replace(
            thread,
            turns=(*thread.turns, *turns),
            last_updated_at=max([thread.last_updated_at, *(t.timestamp for t in turns)]),
            state=thread.state if state is None else dict(state),
        )
        size = thread_bytes(updated)
        self._check_fits(thread_id, size)
        self._bytes += size - entry.size
        entry.thread, entry.size = updated, size
        entry.expires_at = self._clock() + self._ttl_s  # activity keeps a conversation alive
        self._entries.move_to_end(thread_id)
        self._enforce_limits()
        return updated

    async def stats(self) -> StoreStats:
        return StoreStats(len(self._entries), self._bytes, self._evictions, self._expirations)

    async def ping(self) -> bool:
        return True

    async def aclose(self) -> None:
        """Stop the sweeper and drop every thread, so their memory can be reclaimed."""
        await self._sweeper.aclose()
        freed = self._bytes
        self._entries.clear()
        self._tombstones.clear()
        self._bytes = 0
        self._publish_gauges()
        if freed >= _TRIM_AFTER_BYTES:
            trim_process_heap()

    # --- lifecycle and pressure -------------------------------------------------------
    def start(self) -> None:
        """Run the TTL sweeper in the background (idempotent); needs a running loop."""
        self._sweeper.start()

    def sweep_expired(self) -> int:
        """Remove every expired thread now; returns how many."""
        now = self._clock()
        expired = [tid for tid, entry in self._entries.items() if entry.expires_at <= now]
        self._remove(expired, "ttl")
        return len(expired)

    def shed(self, fraction: float) -> int:
        """Evict the least recently used ``fraction`` of threads (memory pressure); returns how many."""
        fraction = min(1.0, max(0.0, fraction))
        count = math.ceil(len(self._entries) * fraction)
        victims = [tid for tid, _ in zip(self._entries, range(count), strict=False)]
        self._remove(victims, "memory_pressure")
        return len(victims)

    @property
    def bytes_used(self) -> int:
        return self._bytes

    @property
    def tombstone_bytes(self) -> int:
        """Bytes the evicted-id ring holds: fixed, counted with the store's own bytes in leak checks."""
        return self._tombstones.nbytes

    @property
    def byte_budget(self) -> int:
        return self._byte_budget

    @property
    def thread_count(self) -> int:
        return len(self._entries)

    def lru_order(self) -> list[str]:
        """Thread ids, least recently used first (the next eviction victims)."""
        return list(self._entries)

    # --- internals --------------------------------------------------------------------
    def _live_entry(self, thread_id: str) -> _Entry:
        entry = self._entries.get(thread_id)
        if entry is None:
            if thread_id in self._tombstones:
                raise _expired(thread_id)
            raise ThreadNotFoundError(
                f"continuation_id {thread_id} does not match any conversation on this server; "
                "start a new conversation without continuation_id"
            )
        if entry.expires_at <= self._clock():
            self._remove([thread_id], "ttl")
            raise _expired(thread_id)
        self._entries.move_to_end(thread_id)
        return entry

    def _check_fits(self, thread_id: str, size: int) -> None:
        if size > self._byte_budget:
            raise StorageError(
                f"conversation {thread_id} would need {size:,} bytes, more than the whole store budget "
                f"of {self._byte_budget:,} bytes; nothing was written. Start a new conversation and send "
                "large content as files"
            )

    def _enforce_limits(self) -> None:
        # The newest write sits at the end, so evicting from the front never removes it.
        over_count = max(0, len(self._entries) - self._max_threads)
        self._remove([tid for tid, _ in zip(self._entries, range(over_count), strict=False)], "lru")
        victims: list[str] = []
        projected = self._bytes
        for tid, entry in self._entries.items():
            if projected <= self._byte_budget or len(victims) == len(self._entries) - 1:
                break
            victims.append(tid)
            projected -= entry.size
        self._remove(victims, "bytes")
        self._publish_gauges()

    def _remove(self, thread_ids: list[str], reason: EvictionReason) -> None:
        if not thread_ids:
            return
        freed = 0
        for tid in thread_ids:
            entry = self._entries.pop(tid, None)
            if entry is None:
                continue
            freed += entry.size
            self._tombstones.add(tid)
        self._bytes -= freed
        if reason == "ttl":
            self._expirations += len(thread_ids)
        else:
            self._evictions += len(thread_ids)
        self._observer.emit(
            ThreadsEvicted(
                reason=reason, count=len(thread_ids), thread_ids=tuple(thread_ids[:_MAX_IDS_PER_EVENT])
            )
        )
        self._publish_gauges()
        if freed >= _TRIM_AFTER_BYTES:
            trim_process_heap()

    def _publish_gauges(self) -> None:
        self._observer.set_gauge("store_threads", float(len(self._entries)))
        self._observer.set_gauge("store_bytes", float(self._bytes))
        self._observer.set_gauge("store_tombstone_bytes", float(self._tombstones.nbytes))


def _expired(thread_id: str) -> ThreadExpiredError:
    return ThreadExpiredError(
        f"continuation_id {thread_id} expired or was evicted; "
        "start a new conversation without continuation_id"
    )


__all__ = ["BoundedMemoryStore", "state_bytes", "thread_bytes", "trim_process_heap", "turn_bytes"]
