from __future__ import annotations

import asyncio

import pytest

from zen_server.errors import TransientProviderError
from zen_server.resilience.clock import ManualClock
from zen_server.resilience.ratelimit import RateLimiter


async def test_burst_passes_then_callers_wait_for_refill(clock: ManualClock) -> None:
    limiter = RateLimiter("gemini", 2.0, clock=clock, sleep=clock.sleep, remaining_fn=lambda: 100.0)
    await limiter.acquire()
    await limiter.acquire()
    assert clock.slept == []
    await limiter.acquire()
    assert clock.slept == [pytest.approx(0.5)]


async def test_wait_beyond_deadline_fails_at_once_with_retry_after(clock: ManualClock) -> None:
    limiter = RateLimiter("gemini", 0.1, clock=clock, sleep=clock.sleep, remaining_fn=lambda: 1.0)
    await limiter.acquire()
    with pytest.raises(TransientProviderError) as info:
        await limiter.acquire()
    assert info.value.retry_after == pytest.approx(10.0)
    assert clock.slept == []


async def test_cancelled_waiter_returns_its_token() -> None:
    limiter = RateLimiter("gemini", 1.0, remaining_fn=lambda: 100.0)
    await limiter.acquire()
    task = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert limiter.tokens > -0.5  # the reservation was given back
