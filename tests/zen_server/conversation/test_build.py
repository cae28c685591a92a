"""The store a server gets: in-memory by default, shedding threads when the guard reports
pressure (half of them at critical, a fifth at pressure); Redis in distributed mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.conversation.build import build_store
from zen_server.conversation.memory_store import BoundedMemoryStore
from zen_server.conversation.redis_store import RedisStore
from zen_server.observability.hub import ObservabilityHub
from zen_server.resilience.memory import MemoryGuard

MB = 1024 * 1024


@pytest.mark.parametrize(("rss_mb", "left"), [(10, 10), (85, 8), (96, 5)])
async def test_the_memory_store_sheds_threads_as_the_guard_reports_pressure(
    rss_mb: int, left: int, make_thread: Callable[..., Any]
) -> None:
    settings = Settings()
    guard = MemoryGuard(100, rss_reader=lambda: rss_mb * MB)  # limit 100 MB
    store = build_store(settings, ObservabilityHub(settings), guard)
    assert isinstance(store, BoundedMemoryStore)
    for _ in range(10):
        await store.create(make_thread())
    await guard.sample()
    assert (await store.stats()).threads == left


def test_distributed_mode_gets_the_redis_store_and_no_shedding() -> None:
    settings = Settings(distributed_mode=True, redis_url="redis://127.0.0.1:6379/0")
    guard = MemoryGuard(100)
    assert isinstance(build_store(settings, ObservabilityHub(settings), guard), RedisStore)
    assert guard._callbacks == []  # Redis holds its threads outside this process
