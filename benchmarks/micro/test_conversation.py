"""Store append and read, and the history rebuild every continued call pays."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from pytest_benchmark.fixture import BenchmarkFixture

from zen_server.conversation.history import build_history
from zen_server.conversation.memory_store import BoundedMemoryStore
from zen_server.conversation.types import Thread, Turn, TurnRole

Drive = Callable[[Coroutine[Any, Any, Any]], Any]
ANSWER = "A considered answer about the code under review. " * 40  # ~2 KB, a typical reply
QUESTION = "Why does the retry budget refill per request rather than per second? " * 8


def _turn(role: TurnRole, content: str) -> Turn:
    return Turn(
        role=role, content=content, tool_name="chat", timestamp=time.time(), turn_id=str(uuid.uuid4())
    )


def _thread(turn_pairs: int) -> Thread:
    turns = tuple(t for _ in range(turn_pairs) for t in (_turn("user", QUESTION), _turn("assistant", ANSWER)))
    now = time.time()
    return Thread(str(uuid.uuid4()), "chat", now, now, turns)


def _full_store(threads: int, drive: Drive) -> BoundedMemoryStore:
    """A store at its thread cap, as in a long soak: every create evicts the oldest thread."""
    store = BoundedMemoryStore(max_threads=threads, byte_budget=512 * 1024 * 1024, ttl_s=3600.0)
    for _ in range(threads):
        drive(store.create(_thread(1)))
    return store


def test_store_create_when_full(benchmark: BenchmarkFixture, drive: Drive) -> None:
    store = _full_store(100, drive)

    def fresh_thread() -> tuple[tuple[Thread], dict[str, Any]]:
        return (_thread(1),), {}

    benchmark.pedantic(  # type: ignore[no-untyped-call]
        lambda thread: drive(store.create(thread)), setup=fresh_thread, rounds=2000
    )
    assert store.thread_count == 100


def test_store_append(benchmark: BenchmarkFixture, drive: Drive) -> None:
    store = _full_store(100, drive)
    target = store.lru_order()[-1]
    pairs = ((_turn("user", QUESTION), _turn("assistant", ANSWER)) for _ in itertools.count())

    def append() -> int:
        # A fresh thread every 19 appends keeps it under the turn cap (40) and its size steady.
        nonlocal target
        thread = drive(store.append(target, next(pairs), max_turns=40))
        if len(thread.turns) >= 38:
            fresh = _thread(1)
            drive(store.create(fresh))
            target = fresh.thread_id
        return len(thread.turns)

    assert benchmark(append) >= 2


def test_store_read(benchmark: BenchmarkFixture, drive: Drive) -> None:
    store = _full_store(100, drive)
    ids = store.lru_order()
    cycle = itertools.cycle(ids)
    thread = benchmark(lambda: drive(store.get(next(cycle))))
    assert thread.thread_id in ids


def test_history_rebuild(benchmark: BenchmarkFixture) -> None:
    thread = _thread(10)  # 20 turns: a conversation half way to the default cap
    history = benchmark(lambda: build_history(thread, token_budget=200_000, max_turns=40))
    assert history.included_turns == 20
