"""BoundedMemoryStore: atomic appends, turn limit, TTL, LRU, byte budget, tombstones, pressure."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from typing import Any

import psutil
import pytest

from zen_server.conversation.memory_store import BoundedMemoryStore, thread_bytes
from zen_server.errors import StorageError, ThreadExpiredError, ThreadNotFoundError, ThreadTurnLimitError
from zen_server.observability.events import RecordingObserver, ThreadsEvicted


def evictions(observer: RecordingObserver, reason: str) -> list[ThreadsEvicted]:
    return [
        e for e in observer.of_type(ThreadsEvicted) if isinstance(e, ThreadsEvicted) and e.reason == reason
    ]


async def test_concurrent_appends_to_one_thread_lose_and_duplicate_nothing(
    store: BoundedMemoryStore, make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    thread = make_thread()
    await store.create(thread)
    batches = [(make_turn(f"q{i}"), make_turn(f"a{i}", role="assistant")) for i in range(200)]

    async def append(batch: tuple[object, ...]) -> None:
        await asyncio.sleep(0)  # interleave the writers
        await store.append(thread.thread_id, batch, max_turns=1000)  # type: ignore[arg-type]

    await asyncio.gather(*(append(b) for b in batches))
    stored = await store.get(thread.thread_id)
    ids = [t.turn_id for t in stored.turns]
    assert len(ids) == 400
    assert len(set(ids)) == 400
    assert set(ids) == {t.turn_id for batch in batches for t in batch}
    # Each exchange stays contiguous: user turn immediately followed by its answer.
    for first, second in zip(stored.turns[::2], stored.turns[1::2], strict=True):
        assert first.content[1:] == second.content[1:]


async def test_append_past_max_turns_raises_and_writes_nothing(
    store: BoundedMemoryStore, make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    thread = make_thread(turns=(make_turn(), make_turn(role="assistant")))
    await store.create(thread)
    before = store.bytes_used
    with pytest.raises(ThreadTurnLimitError, match="MAX_CONVERSATION_TURNS is 3"):
        await store.append(thread.thread_id, (make_turn(), make_turn(role="assistant")), max_turns=3)
    assert len((await store.get(thread.thread_id)).turns) == 2
    assert store.bytes_used == before


async def test_retried_append_is_recorded_once(
    store: BoundedMemoryStore, make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    thread = make_thread()
    await store.create(thread)
    batch = (make_turn("q"), make_turn("a", role="assistant"))
    await store.append(thread.thread_id, batch, max_turns=10)
    again = await store.append(thread.thread_id, batch, max_turns=10)
    assert [t.content for t in again.turns] == ["q", "a"]


async def test_read_after_ttl_raises_expired_with_restart_instructions(
    store: BoundedMemoryStore,
    clock: Any,
    observer: RecordingObserver,
    make_thread: Callable[..., Any],
    make_turn: Callable[..., Any],
) -> None:
    thread = make_thread()
    await store.create(thread)
    clock.advance(3599)
    assert (await store.get(thread.thread_id)).thread_id == thread.thread_id
    clock.advance(2)
    with pytest.raises(ThreadExpiredError, match="start a new conversation without continuation_id"):
        await store.get(thread.thread_id)
    # Still expired (tombstoned) on the next try, never "not found" or another thread.
    with pytest.raises(ThreadExpiredError):
        await store.get(thread.thread_id)
    assert evictions(observer, "ttl")[0].thread_ids == (thread.thread_id,)
    assert store.thread_count == 0
    assert store.bytes_used == 0


async def test_append_refreshes_ttl(
    store: BoundedMemoryStore, clock: Any, make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    thread = make_thread()
    await store.create(thread)
    clock.advance(3000)
    await store.append(thread.thread_id, (make_turn(),), max_turns=10)
    clock.advance(3000)
    assert len((await store.get(thread.thread_id)).turns) == 1


async def test_sweep_removes_only_expired_threads(
    store: BoundedMemoryStore,
    clock: Any,
    observer: RecordingObserver,
    make_thread: Callable[..., Any],
    make_turn: Callable[..., Any],
) -> None:
    old, fresh = make_thread(), make_thread()
    await store.create(old)
    clock.advance(3000)
    await store.create(fresh)
    clock.advance(700)
    assert store.sweep_expired() == 1
    assert store.lru_order() == [fresh.thread_id]
    assert (await store.stats()).expirations == 1
    assert evictions(observer, "ttl")[0].count == 1


async def test_background_sweeper_expires_threads_without_reads(
    clock: Any, make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    store = BoundedMemoryStore(
        max_threads=10, byte_budget=1_000_000, ttl_s=10, clock=clock, sweep_interval_s=0.01
    )
    store.start()
    await store.create(make_thread())
    clock.advance(11)
    for _ in range(100):
        await asyncio.sleep(0.01)
        if store.thread_count == 0:
            break
    assert store.thread_count == 0
    await store.aclose()


async def test_lru_evicts_least_recently_used_thread_first(
    clock: Any, observer: RecordingObserver, make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    store = BoundedMemoryStore(
        max_threads=3, byte_budget=10_000_000, ttl_s=100, observer=observer, clock=clock
    )
    a, b, c, d = (make_thread() for _ in range(4))
    for thread in (a, b, c):
        await store.create(thread)
    await store.get(a.thread_id)  # a is now more recent than b
    await store.create(d)
    assert store.lru_order() == [c.thread_id, a.thread_id, d.thread_id]
    with pytest.raises(ThreadExpiredError, match="expired or was evicted"):
        await store.get(b.thread_id)
    assert evictions(observer, "lru")[0].thread_ids == (b.thread_id,)
    assert (await store.stats()).evictions == 1


async def test_unknown_id_is_not_found_rather_than_expired(store: BoundedMemoryStore) -> None:
    with pytest.raises(ThreadNotFoundError) as info:
        await store.get("never-existed")
    assert not isinstance(info.value, ThreadExpiredError)


async def test_tombstones_are_bounded(
    clock: Any, make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    store = BoundedMemoryStore(
        max_threads=1, byte_budget=1_000_000, ttl_s=100, clock=clock, tombstone_limit=2
    )
    threads = [make_thread() for _ in range(4)]
    for thread in threads:
        await store.create(thread)  # each create evicts the previous thread
    with pytest.raises(ThreadExpiredError):
        await store.get(threads[2].thread_id)
    with pytest.raises(ThreadNotFoundError) as info:
        await store.get(threads[0].thread_id)  # its tombstone was dropped
    assert not isinstance(info.value, ThreadExpiredError)


async def test_ten_thousand_large_threads_stay_within_byte_budget(
    observer: RecordingObserver, make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    budget = 8 * 1024 * 1024
    store = BoundedMemoryStore(max_threads=10_000, byte_budget=budget, ttl_s=3600, observer=observer)
    ids: list[str] = []
    for i in range(10_000):
        turn = make_turn(f"{i:06d}" + "x" * 4_000)
        thread = make_thread(turns=(turn, make_turn("answer " * 100, role="assistant")))
        ids.append(thread.thread_id)
        await store.create(thread)
        if i % 500 == 0:
            assert store.bytes_used <= budget
    stats = await stats_of(store)
    assert store.bytes_used <= budget
    assert stats.bytes == store.bytes_used
    # The accounting is exact: it equals a recount of what is still stored.
    recount = 0
    for tid in store.lru_order():
        recount += thread_bytes(await store.get(tid))
    assert recount == store.bytes_used
    assert store.bytes_used > budget * 0.9  # the budget is used, not wasted
    assert stats.threads < 10_000 and stats.evictions == 10_000 - stats.threads
    assert store.lru_order()[-1] == ids[-1]  # the newest survive
    assert sum(e.count for e in evictions(observer, "bytes")) == stats.evictions
    assert observer.gauges[("store_bytes", ())] == float(store.bytes_used)
    assert observer.gauges[("store_threads", ())] == float(stats.threads)


async def stats_of(store: BoundedMemoryStore):  # type: ignore[no-untyped-def]
    return await store.stats()


async def test_thread_larger_than_budget_is_refused_and_nothing_written(
    clock: Any, make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    store = BoundedMemoryStore(max_threads=10, byte_budget=10_000, ttl_s=100, clock=clock)
    small = make_thread()
    await store.create(small)
    with pytest.raises(StorageError, match="nothing was written"):
        await store.append(small.thread_id, (make_turn("y" * 20_000),), max_turns=10)
    assert (await store.get(small.thread_id)).turns == ()
    assert store.bytes_used == thread_bytes(small)


async def test_shed_evicts_oldest_fraction_under_memory_pressure(
    store: BoundedMemoryStore,
    observer: RecordingObserver,
    make_thread: Callable[..., Any],
    make_turn: Callable[..., Any],
) -> None:
    threads = [make_thread() for _ in range(10)]
    for thread in threads:
        await store.create(thread)
    assert store.shed(0.3) == 3
    assert store.lru_order() == [t.thread_id for t in threads[3:]]
    assert evictions(observer, "memory_pressure")[0].thread_ids == tuple(t.thread_id for t in threads[:3])
    with pytest.raises(ThreadExpiredError):
        await store.get(threads[0].thread_id)


async def test_aclose_drops_every_thread(
    store: BoundedMemoryStore,
    observer: RecordingObserver,
    make_thread: Callable[..., Any],
    make_turn: Callable[..., Any],
) -> None:
    store.start()
    await store.create(make_thread())
    await store.aclose()
    assert store.thread_count == 0 and store.bytes_used == 0
    assert observer.gauges[("store_threads", ())] == 0.0


async def test_rss_returns_near_baseline_after_big_load_is_evicted(
    make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    process = psutil.Process()
    gc.collect()
    baseline = process.memory_info().rss
    store = BoundedMemoryStore(max_threads=1_000, byte_budget=400 * 1024 * 1024, ttl_s=3600)
    for i in range(800):
        await store.create(make_thread(turns=(make_turn(f"{i}" + "z" * 200_000),)))
    loaded = process.memory_info().rss
    assert loaded - baseline > 100 * 1024 * 1024  # the load really was resident
    store.shed(1.0)
    gc.collect()
    after = process.memory_info().rss
    assert store.bytes_used == 0
    assert after - baseline < 40 * 1024 * 1024
