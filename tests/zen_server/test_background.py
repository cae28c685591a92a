"""BackgroundLoop: one task however often it is started, steps repeat, a dead loop restarts,
aclose stops it, and a step that raises ends the loop instead of being swallowed."""

from __future__ import annotations

import asyncio

import pytest

from zen_server.background import BackgroundLoop


async def test_it_steps_repeatedly_starts_once_and_stops_on_aclose() -> None:
    stepped = asyncio.Event()
    count = 0

    async def step() -> None:
        nonlocal count
        count += 1
        if count >= 3:
            stepped.set()

    loop = BackgroundLoop("t", step, 0.001)
    loop.start()
    first = loop.task
    loop.start()
    assert loop.task is first and loop.running
    await asyncio.wait_for(stepped.wait(), 10)
    await loop.aclose()
    assert first is not None and first.cancelled() and not loop.running and loop.task is None
    await loop.aclose()  # harmless twice


async def test_a_raising_step_ends_the_loop_with_its_error_and_start_runs_it_again() -> None:
    calls: list[int] = []

    def step() -> None:
        calls.append(1)
        raise ValueError("a bug")

    loop = BackgroundLoop("t", step, 0.001)
    loop.start()
    task = loop.task
    assert task is not None
    with pytest.raises(ValueError, match="a bug"):
        await task
    assert not loop.running and calls == [1]
    loop.start()
    again = loop.task
    assert again is not None and again is not task
    await asyncio.wait([again])
    with pytest.raises(ValueError, match="a bug"):
        await loop.aclose()  # closing hands the loop's error over rather than hiding it
    assert calls == [1, 1]


async def test_delay_first_waits_one_interval_before_the_first_step() -> None:
    calls: list[int] = []
    loop = BackgroundLoop("t", lambda: calls.append(1), 3600, delay_first=True)
    loop.start()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert calls == []
    await loop.aclose()
