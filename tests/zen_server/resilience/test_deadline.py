"""Deadline scopes: nested scopes take the sooner deadline; overruns raise DeadlineExceeded."""

from __future__ import annotations

import asyncio

import pytest

from zen_server.errors import DeadlineExceeded
from zen_server.resilience.deadline import current_deadline, deadline_scope, remaining


async def test_remaining_outside_any_call_is_the_default() -> None:
    assert current_deadline() is None
    assert remaining(default=7.0) == 7.0


async def test_block_that_overruns_raises_deadline_exceeded_and_is_cancelled() -> None:
    finished = False

    async def slow() -> None:
        nonlocal finished
        await asyncio.sleep(10)
        finished = True

    with pytest.raises(DeadlineExceeded, match=r"deadline of 0\.1 s"):
        async with deadline_scope(0.1, what="chat"):
            await slow()
    assert not finished
    assert current_deadline() is None


async def test_inner_scope_cannot_extend_the_outer_deadline() -> None:
    async with deadline_scope(0.5):
        outer = current_deadline()
        async with deadline_scope(60):
            assert current_deadline() == outer
            assert remaining() <= 0.5


async def test_inner_scope_may_shorten_the_deadline_and_outer_is_restored() -> None:
    async with deadline_scope(60):
        outer = current_deadline()
        async with deadline_scope(0.2):
            assert remaining() <= 0.2
        assert current_deadline() == outer


async def test_concurrent_calls_see_their_own_deadlines() -> None:
    seen: dict[str, float] = {}

    async def call(name: str, seconds: float) -> None:
        async with deadline_scope(seconds):
            await asyncio.sleep(0)
            seen[name] = remaining()

    await asyncio.gather(call("short", 1.0), call("long", 50.0))
    assert seen["short"] <= 1.0 < 40.0 < seen["long"]
