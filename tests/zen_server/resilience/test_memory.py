from __future__ import annotations

import asyncio

import pytest

from zen_server.errors import MemoryPressureError
from zen_server.observability.events import RecordingObserver, SystemEvent
from zen_server.resilience.memory import MemoryGuard, MemoryLevel

MB = 1024 * 1024


class FakeRss:
    def __init__(self, mb: int) -> None:
        self.mb = mb

    def __call__(self) -> int:
        return self.mb * MB


async def test_levels_follow_thresholds(observer: RecordingObserver) -> None:
    rss = FakeRss(10)
    guard = MemoryGuard(100, observer, rss_reader=rss)
    assert await guard.sample() == "ok"
    rss.mb = 80
    assert await guard.sample() == "pressure"
    rss.mb = 95
    assert await guard.sample() == "critical"
    assert observer.gauges[("process_rss_bytes", ())] == 95 * MB
    assert len(observer.of_type(SystemEvent)) == 1  # emitted on entering pressure only


async def test_pressure_callbacks_run_and_failing_callback_does_not_stop_others(
    observer: RecordingObserver,
) -> None:
    seen: list[MemoryLevel] = []

    def broken(level: MemoryLevel) -> None:
        raise RuntimeError("evict failed")

    async def evict(level: MemoryLevel) -> None:
        seen.append(level)

    guard = MemoryGuard(100, observer, rss_reader=FakeRss(85))
    guard.on_pressure(broken)
    guard.on_pressure(evict)
    await guard.sample()
    assert seen == ["pressure"]


async def test_raise_if_critical_only_at_critical() -> None:
    rss = FakeRss(90)
    guard = MemoryGuard(100, rss_reader=rss)
    await guard.sample()
    guard.raise_if_critical()
    rss.mb = 96
    await guard.sample()
    with pytest.raises(MemoryPressureError, match="MEMORY_LIMIT_MB") as info:
        guard.raise_if_critical()
    assert info.value.retry_after >= 1.0


async def test_background_sampler_starts_and_stops() -> None:
    rss = FakeRss(85)
    guard = MemoryGuard(100, rss_reader=rss, interval_s=0.001)
    guard.start()
    for _ in range(50):
        await asyncio.sleep(0.001)
        if guard.level() == "pressure":
            break
    await guard.aclose()
    assert guard.level() == "pressure"


async def test_real_rss_reader_reports_a_positive_size() -> None:
    guard = MemoryGuard(1 << 20)
    assert await guard.sample() == "ok"
    assert guard.rss_bytes > 0
