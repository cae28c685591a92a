"""Single-flight: identical concurrent calls run once and every caller gets that outcome.

The first caller starts the work as a task (it inherits the caller's context, so its
deadline); later callers with the same key wait for that task. Every waiter gets the same
answer or the same error: a failure is not retried by each waiter (no retry storm). A
waiter that is cancelled (its own deadline, a client that went away) stops waiting; the
work is cancelled only when no one is waiting for it any more.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from zen_server.cache.lru import CacheStats

T = TypeVar("T")


@dataclass(slots=True)
class _Flight(Generic[T]):
    task: asyncio.Future[T]
    waiters: int = 0


class SingleFlight(Generic[T]):
    def __init__(self, stats: CacheStats | None = None) -> None:
        self.stats = stats if stats is not None else CacheStats()
        self._flights: dict[str, _Flight[T]] = {}

    @property
    def in_flight(self) -> int:
        return len(self._flights)

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """``work()``'s outcome, and whether this caller joined a call already running."""
        flight = self._flights.get(key)
        joined = flight is not None
        if flight is None:
            flight = _Flight(asyncio.ensure_future(work()))
            self._flights[key] = flight
            flight.task.add_done_callback(lambda _: self._forget(key, flight))
        else:
            self.stats.joins += 1
        flight.waiters += 1
        try:
            return await asyncio.shield(flight.task), joined
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.task.done():
                flight.task.cancel()  # the last waiter left: nobody needs the answer

    def _forget(self, key: str, flight: _Flight[T]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if not flight.task.cancelled():
            flight.task.exception()  # retrieved here, so an unwaited failure is not logged as lost


__all__ = ["SingleFlight"]
