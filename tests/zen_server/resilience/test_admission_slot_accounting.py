"""Admission slot accounting stays exact across partial session releases, late cancels and no time left."""

from __future__ import annotations

import asyncio

import pytest

from zen_server.errors import AdmissionRejected
from zen_server.observability.events import RecordingObserver, RequestRejected
from zen_server.resilience.admission import AdmissionController
from zen_server.resilience.deadline import deadline_scope


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def _hold(controller: AdmissionController, release: asyncio.Event, session: str | None) -> None:
    async with controller.admit(tool="chat", session_id=session):
        await release.wait()


async def test_a_session_releasing_one_of_two_calls_still_counts_the_other(
    observer: RecordingObserver,
) -> None:
    controller = AdmissionController(10, 5, 0.05, session_limit=2, observer=observer)
    first, second = asyncio.Event(), asyncio.Event()
    holders = [asyncio.create_task(_hold(controller, e, "s1")) for e in (first, second)]
    await _settle()
    first.set()
    await holders[0]
    third = asyncio.Event()
    replacement = asyncio.create_task(_hold(controller, third, "s1"))
    await _settle()
    assert controller.in_flight == 2  # the freed session slot was reusable at once
    with pytest.raises(AdmissionRejected):
        async with controller.admit(tool="chat", session_id="s1"):
            pytest.fail("a third call of s1 must not run")
    assert [e.reason for e in observer.of_type(RequestRejected)] == ["session_limit"]  # type: ignore[union-attr]
    second.set()
    third.set()
    await asyncio.gather(holders[1], replacement)
    assert controller.in_flight == 0


async def test_a_call_with_no_deadline_left_is_refused_at_once_instead_of_queueing(
    observer: RecordingObserver,
) -> None:
    controller = AdmissionController(1, 5, 10.0, observer=observer)
    release = asyncio.Event()
    holder = asyncio.create_task(_hold(controller, release, None))
    await _settle()
    with pytest.raises(AdmissionRejected, match="server busy"):
        async with deadline_scope(0.0), controller.admit(tool="chat"):
            pytest.fail("must not be admitted")
    assert controller.queued == 0
    assert [e.reason for e in observer.of_type(RequestRejected)] == ["queue_timeout"]  # type: ignore[union-attr]
    release.set()
    await holder


async def test_a_waiter_cancelled_right_after_its_slot_was_granted_gives_the_slot_back() -> None:
    controller = AdmissionController(1, 5, 10.0)
    slot = controller.admit(tool="chat")
    await slot.__aenter__()
    waiter = asyncio.create_task(_hold(controller, asyncio.Event(), None))
    await _settle()
    assert controller.queued == 1
    await slot.__aexit__(None, None, None)  # hands the slot to the waiter, which has not run yet
    assert (controller.in_flight, controller.queued) == (1, 0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert controller.in_flight == 0
    async with controller.admit(tool="chat"):  # the slot is really free again
        assert controller.in_flight == 1
