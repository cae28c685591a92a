"""Bulkhead: at most ``limit`` calls in flight to one provider.

One slow provider must not soak up every admitted tool call: each provider gets its own
compartment. A call waits (FIFO, via ``asyncio.Semaphore``) for at most
``min(max_wait_s, remaining deadline)``; after that it fails fast with a
TransientProviderError ("provider busy") that the gateway may answer by falling back, and a
``RequestRejected(reason="provider_busy")`` event. Cancellation while waiting takes no slot;
cancellation while holding one releases it. The ``provider_in_flight`` gauge tracks usage.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from zen_server.errors import TransientProviderError
from zen_server.observability.events import NullObserver, Observer, RequestRejected
from zen_server.resilience.deadline import remaining


class Bulkhead:
    def __init__(
        self,
        provider: str,
        limit: int,
        *,
        max_wait_s: float = 2.0,
        observer: Observer | None = None,
        remaining_fn: Callable[[], float] = remaining,
    ) -> None:
        self.provider = provider
        self.limit = max(1, limit)
        self._max_wait_s = max_wait_s
        self._semaphore = asyncio.Semaphore(self.limit)
        self._observer: Observer = observer or NullObserver()
        self._remaining = remaining_fn
        self.in_flight = 0

    @asynccontextmanager
    async def slot(self, *, model: str | None = None) -> AsyncIterator[None]:
        wait = min(self._max_wait_s, self._remaining())
        try:
            async with asyncio.timeout(wait):
                await self._semaphore.acquire()
        except TimeoutError:
            self._observer.emit(RequestRejected(reason="provider_busy"))
            raise TransientProviderError(
                f"{self.provider} is busy: {self.limit} requests already in flight "
                f"(ZEN_PROVIDER_MAX_IN_FLIGHT); waited {wait:.1f} s",
                provider=self.provider,
                model=model,
                retry_after=1.0,
            ) from None
        self.in_flight += 1
        self._observer.set_gauge("provider_in_flight", self.in_flight, provider=self.provider)
        try:
            yield
        finally:
            self.in_flight -= 1
            self._semaphore.release()
            self._observer.set_gauge("provider_in_flight", self.in_flight, provider=self.provider)
