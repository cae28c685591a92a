"""Single-flight: identical concurrent calls run once; the outcome, good or bad, is shared."""

from __future__ import annotations

import asyncio

import pytest

from zen_server.cache.single_flight import SingleFlight
from zen_server.errors import TransientProviderError


class HeldWork:
    """Work that counts its runs and waits for ``release`` before it answers or raises."""

    def __init__(self, outcome: str | Exception) -> None:
        self.release = asyncio.Event()
        self.runs = 0
        self._outcome = outcome

    async def __call__(self) -> str:
        self.runs += 1
        await self.release.wait()
        if isinstance(self._outcome, Exception):
            raise self._outcome
        return self._outcome


async def start_calls(
    flights: SingleFlight[str], work: HeldWork, count: int
) -> list[asyncio.Task[tuple[str, bool]]]:
    calls = [asyncio.create_task(flights.run("k", work)) for _ in range(count)]
    await asyncio.sleep(0)  # one loop pass: every new task runs up to its wait
    return calls


async def test_a_hundred_identical_calls_run_the_work_once() -> None:
    flights: SingleFlight[str] = SingleFlight()
    work = HeldWork("answer")
    calls = await start_calls(flights, work, 100)
    assert flights.stats.joins == 99
    work.release.set()
    results = await asyncio.gather(*calls)
    assert work.runs == 1
    assert [r for r, _ in results] == ["answer"] * 100
    assert sum(joined for _, joined in results) == 99
    assert flights.in_flight == 0


async def test_a_failure_reaches_every_waiter_once_without_a_retry() -> None:
    flights: SingleFlight[str] = SingleFlight()
    work = HeldWork(TransientProviderError("provider answered 503", provider="p", model="m"))
    calls = await start_calls(flights, work, 5)
    assert flights.stats.joins == 4
    work.release.set()
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    assert work.runs == 1
    assert all(isinstance(o, TransientProviderError) for o in outcomes)


async def test_different_keys_do_not_share() -> None:
    flights: SingleFlight[str] = SingleFlight()

    async def work_for(key: str) -> str:
        return key

    results = await asyncio.gather(
        flights.run("a", lambda: work_for("a")), flights.run("b", lambda: work_for("b"))
    )
    assert [r for r, _ in results] == ["a", "b"] and flights.stats.joins == 0


async def test_a_cancelled_waiter_leaves_the_work_running_for_the_others() -> None:
    flights: SingleFlight[str] = SingleFlight()
    started, release = asyncio.Event(), asyncio.Event()

    async def work() -> str:
        started.set()
        await release.wait()
        return "kept"

    leader = asyncio.create_task(flights.run("k", work))
    await started.wait()
    follower = asyncio.create_task(flights.run("k", work))
    await asyncio.sleep(0)  # one loop pass: every new task runs up to its wait
    assert flights.stats.joins == 1
    leader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leader
    release.set()
    assert await follower == ("kept", True)


async def test_the_work_is_cancelled_when_its_last_waiter_leaves() -> None:
    flights: SingleFlight[str] = SingleFlight()
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def work() -> str:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    only = asyncio.create_task(flights.run("k", work))
    await started.wait()
    only.cancel()
    with pytest.raises(asyncio.CancelledError):
        await only
    await asyncio.wait_for(cancelled.wait(), 10)
    assert flights.in_flight == 0
