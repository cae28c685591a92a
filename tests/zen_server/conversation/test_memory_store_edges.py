"""BoundedMemoryStore edges: refused construction, duplicate writes, sweeper lifecycle, heap trim."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from zen_server.conversation import memory_store as memory_store_module
from zen_server.conversation.memory_store import BoundedMemoryStore
from zen_server.errors import StorageError


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_threads": 0, "byte_budget": 1000, "ttl_s": 1.0},
        {"max_threads": 1, "byte_budget": 0, "ttl_s": 1.0},
        {"max_threads": 1, "byte_budget": 1000, "ttl_s": 0.0},
    ],
)
def test_a_store_without_positive_limits_cannot_be_built(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        BoundedMemoryStore(**kwargs)


async def test_creating_an_existing_thread_is_refused_and_keeps_the_original(
    store: BoundedMemoryStore, make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    original = make_thread(turns=(make_turn("kept"),))
    await store.create(original)
    with pytest.raises(StorageError, match="already exists; nothing was written"):
        await store.create(make_thread(original.thread_id, turns=(make_turn("replacement"),)))
    assert (await store.get(original.thread_id)).turns[0].content == "kept"


async def test_append_mixing_a_landed_turn_with_a_new_one_is_refused_without_writing(
    store: BoundedMemoryStore, make_thread: Callable[..., Any], make_turn: Callable[..., Any]
) -> None:
    thread = make_thread()
    await store.create(thread)
    landed = make_turn("q1")
    await store.append(thread.thread_id, [landed], max_turns=10)
    fresh = make_turn("a1", role="assistant")
    with pytest.raises(StorageError, match=r"already in thread .*nothing was written"):
        await store.append(thread.thread_id, [landed, fresh], max_turns=10)
    stored = await store.get(thread.thread_id)
    assert [t.turn_id for t in stored.turns] == [landed.turn_id]


async def test_start_is_idempotent_and_aclose_stops_the_one_sweeper(store: BoundedMemoryStore) -> None:
    store.start()
    first = store._sweeper.task
    store.start()
    assert store._sweeper.task is first  # a second start does not leak another task
    assert first is not None and not first.done()
    await store.aclose()
    assert first.cancelled()
    await store.aclose()  # closing again, with no sweeper left, is harmless


async def test_start_after_the_sweeper_died_starts_a_new_one(store: BoundedMemoryStore) -> None:
    store.start()
    first = store._sweeper.task
    assert first is not None
    first.cancel()
    await asyncio.sleep(0)
    assert first.done()
    store.start()
    assert store._sweeper.task is not first and store._sweeper.task is not None
    await store.aclose()


async def test_closing_a_store_that_held_a_lot_hands_heap_pages_back_and_a_small_one_does_not(
    make_thread: Callable[..., Any], make_turn: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    trims: list[int] = []
    monkeypatch.setattr(memory_store_module, "trim_process_heap", lambda: trims.append(1))
    big = BoundedMemoryStore(max_threads=10, byte_budget=64 * 1024 * 1024, ttl_s=60.0)
    await big.create(make_thread(turns=(make_turn("x" * (17 * 1024 * 1024)),)))
    small = BoundedMemoryStore(max_threads=10, byte_budget=64 * 1024 * 1024, ttl_s=60.0)
    await small.create(make_thread(turns=(make_turn("tiny"),)))

    await small.aclose()
    assert trims == []
    await big.aclose()
    assert trims == [1]
    assert big.bytes_used == 0 and big.thread_count == 0
