from __future__ import annotations

import asyncio

import pytest

from zen_server.errors import TransientProviderError
from zen_server.observability.events import RecordingObserver, RequestRejected
from zen_server.resilience.bulkhead import Bulkhead


async def test_bulkhead_caps_in_flight_and_fails_fast_when_full(observer: RecordingObserver) -> None:
    bulkhead = Bulkhead("openai", 1, max_wait_s=0.01, observer=observer, remaining_fn=lambda: 100.0)
    gate = asyncio.Event()

    async def occupy() -> None:
        async with bulkhead.slot():
            await gate.wait()

    task = asyncio.create_task(occupy())
    await asyncio.sleep(0)
    assert bulkhead.in_flight == 1
    assert observer.gauges[("provider_in_flight", (("provider", "openai"),))] == 1.0
    with pytest.raises(TransientProviderError, match="openai is busy"):
        async with bulkhead.slot():
            pytest.fail("must not enter")
    assert observer.of_type(RequestRejected)
    gate.set()
    await task
    assert bulkhead.in_flight == 0


async def test_bulkhead_wait_is_bounded_by_deadline() -> None:
    bulkhead = Bulkhead("openai", 1, max_wait_s=60.0, remaining_fn=lambda: 0.0)
    async with bulkhead.slot():
        with pytest.raises(TransientProviderError):
            async with bulkhead.slot():
                pytest.fail("must not enter")
