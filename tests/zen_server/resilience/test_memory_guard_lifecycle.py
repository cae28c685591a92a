"""MemoryGuard: plain callbacks each run in order, and its sampler starts once and stops cleanly."""

from __future__ import annotations

import asyncio

from zen_server.resilience.memory import MemoryGuard, MemoryLevel

MB = 1024 * 1024


async def test_plain_callbacks_all_run_in_registration_order_on_pressure() -> None:
    seen: list[tuple[str, MemoryLevel]] = []
    guard = MemoryGuard(100, rss_reader=lambda: 96 * MB)
    guard.on_pressure(lambda level: seen.append(("shed threads", level)))
    guard.on_pressure(lambda level: seen.append(("drop caches", level)))
    assert await guard.sample() == "critical"
    assert seen == [("shed threads", "critical"), ("drop caches", "critical")]


async def test_the_sampler_starts_once_keeps_sampling_and_stops_on_aclose() -> None:
    samples: list[int] = []

    def rss() -> int:
        samples.append(1)
        return 10 * MB

    guard = MemoryGuard(100, interval_s=0.01, rss_reader=rss)
    await guard.aclose()  # closing a guard that never started is harmless
    guard.start()
    task = guard._loop.task
    guard.start()
    assert guard._loop.task is task  # no second sampler
    for _ in range(200):
        if len(samples) >= 2:
            break
        await asyncio.sleep(0.01)
    assert len(samples) >= 2  # it keeps sampling on its own
    await guard.aclose()
    assert task is not None and task.done()
    count = len(samples)
    await asyncio.sleep(0.03)
    assert len(samples) == count  # nothing samples after aclose
