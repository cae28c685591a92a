"""Drain: counts admitted calls, refuses new ones once begun, reports when the last one left."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from zen_server.errors import AdmissionRejected, ShuttingDown
from zen_server.resilience.drain import Drain


class RecordingGate:
    def __init__(self) -> None:
        self.admitted: list[tuple[str, str | None]] = []

    @asynccontextmanager
    async def admit(self, *, tool: str, session_id: str | None) -> AsyncIterator[None]:
        self.admitted.append((tool, session_id))
        yield


async def test_admits_through_the_inner_gate_until_the_drain_begins() -> None:
    inner = RecordingGate()
    drain = Drain(inner, timeout_s=5)
    async with drain.admit(tool="chat", session_id="s1"):
        assert drain.in_flight == 1
    assert inner.admitted == [("chat", "s1")]
    assert drain.in_flight == 0

    drain.begin()
    with pytest.raises(ShuttingDown) as refused:
        async with drain.admit(tool="chat", session_id="s1"):
            pytest.fail("a call ran after the drain began")
    assert isinstance(refused.value, AdmissionRejected)  # clients already retry these
    assert refused.value.retry_after > 0
    assert "shutting down" in str(refused.value)
    assert inner.admitted == [("chat", "s1")]


async def test_wait_idle_returns_when_the_last_call_in_flight_leaves() -> None:
    drain = Drain(RecordingGate(), timeout_s=60)
    release = asyncio.Event()
    entered = asyncio.Event()

    async def call() -> str:
        async with drain.admit(tool="chat", session_id=None):
            entered.set()
            await release.wait()
        return "finished"

    task = asyncio.create_task(call())
    await entered.wait()
    drain.begin()
    waiter = asyncio.create_task(drain.wait_idle())
    await asyncio.sleep(0)
    assert not waiter.done() and drain.draining
    release.set()
    assert await waiter is True
    assert await task == "finished"


async def test_wait_idle_gives_up_at_the_timeout_and_says_so() -> None:
    drain = Drain(RecordingGate(), timeout_s=60)
    entered = asyncio.Event()

    async def stuck() -> None:
        async with drain.admit(tool="chat", session_id=None):
            entered.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(stuck())
    await entered.wait()
    drain.begin()
    assert await drain.wait_idle(timeout_s=0) is False
    assert drain.in_flight == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert drain.in_flight == 0  # a cancelled call still leaves the count


async def test_wait_idle_is_immediate_with_nothing_in_flight() -> None:
    drain = Drain(RecordingGate(), timeout_s=60)
    drain.begin()
    drain.begin()  # idempotent
    assert await drain.wait_idle(timeout_s=0) is True


async def test_settle_runs_the_idle_hooks_after_the_last_call_left() -> None:
    drain = Drain(RecordingGate(), timeout_s=60)
    order: list[str] = []

    async def close_sessions() -> None:
        order.append(f"hook with {drain.in_flight} in flight")

    async def broken_hook() -> None:
        raise RuntimeError("a hook that fails must not stop the exit")

    drain.when_idle(broken_hook)
    drain.when_idle(close_sessions)
    release = asyncio.Event()
    entered = asyncio.Event()

    async def call() -> None:
        async with drain.admit(tool="chat", session_id=None):
            entered.set()
            await release.wait()
        order.append("call finished")

    task = asyncio.create_task(call())
    await entered.wait()
    drain.begin()
    settling = asyncio.create_task(drain.settle())
    await asyncio.sleep(0)
    assert order == []
    release.set()
    assert await settling is True
    await task
    assert order == ["call finished", "hook with 0 in flight"]
