from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from zen_server.errors import AdmissionRejected, MemoryPressureError
from zen_server.observability.events import RecordingObserver, RequestRejected
from zen_server.resilience.admission import AdmissionController
from zen_server.resilience.memory import MemoryGuard


async def hold(controller: AdmissionController, release: asyncio.Event, session: str | None = None) -> None:
    async with controller.admit(tool="chat", session_id=session):
        await release.wait()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def reasons(observer: RecordingObserver) -> list[str]:
    return [e.reason for e in observer.of_type(RequestRejected)]  # type: ignore[union-attr]


async def test_admits_up_to_limit_then_queues(observer: RecordingObserver) -> None:
    controller = AdmissionController(2, 5, 10.0, observer=observer)
    release = asyncio.Event()
    tasks = [asyncio.create_task(hold(controller, release)) for _ in range(3)]
    await settle()
    assert (controller.in_flight, controller.queued) == (2, 1)
    assert observer.gauges[("queued", ())] == 1.0
    release.set()
    await asyncio.gather(*tasks)
    assert (controller.in_flight, controller.queued) == (0, 0)


async def test_rejects_fast_when_queue_full(observer: RecordingObserver) -> None:
    controller = AdmissionController(1, 1, 10.0, observer=observer)
    release = asyncio.Event()
    tasks = [asyncio.create_task(hold(controller, release)) for _ in range(2)]
    await settle()
    with pytest.raises(AdmissionRejected, match=r"server busy.*retry after \d+ s") as info:
        async with controller.admit(tool="chat"):
            pytest.fail("must not be admitted")
    assert info.value.retry_after >= 1.0
    assert reasons(observer) == ["queue_full"]
    release.set()
    await asyncio.gather(*tasks)


async def test_waiter_is_rejected_after_max_wait(observer: RecordingObserver) -> None:
    controller = AdmissionController(1, 5, 0.02, observer=observer)
    release = asyncio.Event()
    holder = asyncio.create_task(hold(controller, release))
    await settle()
    with pytest.raises(AdmissionRejected, match="no slot freed"):
        async with controller.admit(tool="chat"):
            pytest.fail("must not be admitted")
    assert reasons(observer) == ["queue_timeout"]
    assert controller.queued == 0
    release.set()
    await holder


async def test_slots_are_granted_in_fifo_order() -> None:
    controller = AdmissionController(1, 10, 10.0)
    order: list[int] = []
    gate = asyncio.Event()

    async def worker(i: int) -> None:
        async with controller.admit(tool="chat"):
            order.append(i)
            await gate.wait()

    tasks = []
    for i in range(4):
        tasks.append(asyncio.create_task(worker(i)))
        await settle()
    gate.set()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3]


async def test_session_limit_lets_other_sessions_overtake(observer: RecordingObserver) -> None:
    controller = AdmissionController(3, 10, 10.0, session_limit=1, observer=observer)
    release = asyncio.Event()
    greedy = [asyncio.create_task(hold(controller, release, "greedy")) for _ in range(3)]
    await settle()
    assert controller.in_flight == 1  # greedy is capped at one slot
    other = asyncio.create_task(hold(controller, release, "other"))
    await settle()
    assert controller.in_flight == 2  # the other session was not starved
    release.set()
    await asyncio.gather(*greedy, other)


async def test_session_over_its_limit_is_rejected_with_session_reason(observer: RecordingObserver) -> None:
    controller = AdmissionController(5, 10, 0.02, session_limit=1, observer=observer)
    release = asyncio.Event()
    holder = asyncio.create_task(hold(controller, release, "s1"))
    await settle()
    with pytest.raises(AdmissionRejected, match="ZEN_SESSION_MAX_IN_FLIGHT"):
        async with controller.admit(tool="chat", session_id="s1"):
            pytest.fail("must not be admitted")
    assert reasons(observer) == ["session_limit"]
    release.set()
    await holder


async def test_cancelled_waiter_never_leaks_a_slot() -> None:
    controller = AdmissionController(1, 5, 10.0)
    release = asyncio.Event()
    holder = asyncio.create_task(hold(controller, release))
    await settle()
    waiter = asyncio.create_task(hold(controller, release))
    await settle()
    assert controller.queued == 1
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert controller.queued == 0
    release.set()
    await holder
    assert controller.in_flight == 0
    async with controller.admit(tool="chat"):
        assert controller.in_flight == 1


async def test_waiter_cancelled_right_after_grant_gives_slot_back() -> None:
    controller = AdmissionController(1, 5, 10.0)
    release = asyncio.Event()
    holder = asyncio.create_task(hold(controller, release))
    await settle()
    waiter = asyncio.create_task(hold(controller, asyncio.Event()))
    await settle()
    release.set()
    await holder  # its release grants the slot to the waiter ...
    waiter.cancel()  # ... which is cancelled before it resumes
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert controller.in_flight == 0


async def test_exception_in_block_releases_slot() -> None:
    controller = AdmissionController(1, 0, 0.0)
    with pytest.raises(RuntimeError):
        async with controller.admit(tool="chat"):
            raise RuntimeError("tool failed")
    assert controller.in_flight == 0


async def test_critical_memory_refuses_new_work(observer: RecordingObserver) -> None:
    rss: Callable[[], int] = lambda: 99 * 1024 * 1024  # noqa: E731
    guard = MemoryGuard(100, observer, rss_reader=rss)
    await guard.sample()
    controller = AdmissionController(5, 5, 1.0, observer=observer, memory_guard=guard)
    with pytest.raises(MemoryPressureError):
        async with controller.admit(tool="chat"):
            pytest.fail("must not be admitted")
    assert reasons(observer) == ["memory_critical"]
