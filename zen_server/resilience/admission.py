"""AdmissionController: how many tool calls run at once, and who waits for a slot.

Semantics of ``async with controller.admit(tool=..., session_id=...)``:

* At most ``max_in_flight`` calls hold a slot; one session holds at most ``session_limit``
  (so one HTTP session cannot starve the others; ``session_id=None`` is not limited).
* A call that finds no slot joins a FIFO queue of at most ``max_queued`` waiters. Slots go
  to the oldest waiter *whose session is under its limit*; a waiter blocked only by its own
  session's limit is skipped, never the others behind it.
* A waiter waits at most ``min(max_wait_s, remaining deadline)``. Every refusal is fast
  and explicit: :class:`AdmissionRejected` "server busy, retry after N s" (N estimated from
  recent call durations and the queue ahead), with a ``RequestRejected`` event whose reason
  is ``queue_full``, ``queue_timeout``, ``session_limit`` or ``memory_critical``. Never a hang.
* With a MemoryGuard at ``critical``, new calls are refused (MemoryPressureError).
* Cancellation-safe: a waiter cancelled while queued leaves the queue; one cancelled at
  the instant it was granted gives the slot straight back. Slots are released in
  ``finally``, whatever the block raised.

Gauges ``in_flight``, ``queued`` and ``utilisation`` are reported on every change, ``capacity`` once.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from zen_server.errors import AdmissionRejected, MemoryPressureError
from zen_server.observability.events import NullObserver, Observer, RequestRejected
from zen_server.resilience.clock import Clock, monotonic
from zen_server.resilience.deadline import remaining

if TYPE_CHECKING:
    from zen_server.config import Settings
    from zen_server.resilience.memory import MemoryGuard

RejectReason = Literal["queue_full", "queue_timeout", "session_limit", "memory_critical"]


@dataclass(eq=False, slots=True)
class _Waiter:
    session_id: str | None
    future: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class AdmissionController:
    def __init__(
        self,
        max_in_flight: int,
        max_queued: int,
        max_wait_s: float,
        session_limit: int | None = None,
        observer: Observer | None = None,
        memory_guard: MemoryGuard | None = None,
        *,
        clock: Clock = monotonic,
    ) -> None:
        self.max_in_flight = max(1, max_in_flight)
        self.max_queued = max(0, max_queued)
        self.max_wait_s = max(0.0, max_wait_s)
        self.session_limit = session_limit
        self._observer: Observer = observer or NullObserver()
        self._memory = memory_guard
        self._clock = clock
        self._in_flight = 0
        self._per_session: dict[str, int] = {}
        self._queue: deque[_Waiter] = deque()
        # Exponential moving average of how long a call holds its slot, for retry-after.
        self._avg_hold_s = 1.0
        # An autoscaler needs each instance's capacity beside its load (deploy/kubernetes, harness/autoscale).
        self._observer.set_gauge("capacity", float(self.max_in_flight))
        self._observer.set_gauge("utilisation", 0.0)

    @classmethod
    def from_settings(
        cls, settings: Settings, observer: Observer, memory_guard: MemoryGuard | None = None
    ) -> AdmissionController:
        return cls(
            settings.max_concurrent_requests,
            settings.max_queued_requests,
            settings.max_queue_wait_s,
            settings.session_max_in_flight,
            observer,
            memory_guard,
        )

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def queued(self) -> int:
        return len(self._queue)

    def retry_after_estimate(self) -> float:
        """Seconds until a slot is likely free: the queue ahead drained at the current rate."""
        ahead = len(self._queue) + 1
        return max(1.0, round(self._avg_hold_s * ahead / self.max_in_flight, 1))

    @asynccontextmanager
    async def admit(self, *, tool: str | None = None, session_id: str | None = None) -> AsyncIterator[None]:
        if self._memory is not None:
            try:
                self._memory.raise_if_critical()
            except MemoryPressureError:
                self._observer.emit(
                    RequestRejected(reason="memory_critical", tool=tool, session_id=session_id)
                )
                raise
        if self._may_take_now(session_id):
            self._take(session_id)
        else:
            await self._wait(tool, session_id)
        started = self._clock()
        try:
            yield
        finally:
            held = max(0.0, self._clock() - started)
            self._avg_hold_s = 0.8 * self._avg_hold_s + 0.2 * held
            self._release(session_id)

    # --- internals ---------------------------------------------------------------------
    def _session_full(self, session_id: str | None) -> bool:
        if session_id is None or self.session_limit is None:
            return False
        return self._per_session.get(session_id, 0) >= self.session_limit

    def _may_take_now(self, session_id: str | None) -> bool:
        if self._in_flight >= self.max_in_flight or self._session_full(session_id):
            return False
        # FIFO: a newcomer may not overtake a waiter that could run now.
        return not any(not self._session_full(w.session_id) for w in self._queue)

    def _take(self, session_id: str | None) -> None:
        self._in_flight += 1
        if session_id is not None:
            self._per_session[session_id] = self._per_session.get(session_id, 0) + 1
        self._report_load()

    def _release(self, session_id: str | None) -> None:
        self._in_flight -= 1
        if session_id is not None:
            left = self._per_session.get(session_id, 1) - 1
            if left <= 0:
                self._per_session.pop(session_id, None)
            else:
                self._per_session[session_id] = left
        self._report_load()
        self._dispatch()

    def _report_load(self) -> None:
        """Gauges a scaler reads: running, waiting, and demand relative to capacity (above 1: queueing)."""
        self._observer.set_gauge("in_flight", float(self._in_flight))
        self._observer.set_gauge("queued", float(len(self._queue)))
        self._observer.set_gauge("utilisation", (self._in_flight + len(self._queue)) / self.max_in_flight)

    def _dispatch(self) -> None:
        """Hand free slots to the oldest eligible waiters; the slot is taken on their behalf."""
        if not self._queue or self._in_flight >= self.max_in_flight:
            return
        for waiter in list(self._queue):
            if self._in_flight >= self.max_in_flight:
                break
            if waiter.future.done() or self._session_full(waiter.session_id):
                continue
            self._queue.remove(waiter)
            self._take(waiter.session_id)
            waiter.future.set_result(None)
        self._report_load()

    async def _wait(self, tool: str | None, session_id: str | None) -> None:
        if len(self._queue) >= self.max_queued:
            self._reject("queue_full", tool, session_id)
        wait = min(self.max_wait_s, remaining())
        if wait <= 0:
            self._reject("queue_timeout", tool, session_id)
        waiter = _Waiter(session_id)
        self._queue.append(waiter)
        self._report_load()
        try:
            async with asyncio.timeout(wait):
                await waiter.future
        except TimeoutError:
            if self._granted(waiter):
                return  # the slot arrived as the wait ran out: use it
            self._leave(waiter)
            reason: RejectReason = "session_limit" if self._session_full(session_id) else "queue_timeout"
            self._reject(reason, tool, session_id, waited=wait)
        except BaseException:
            if self._granted(waiter):
                self._release(session_id)  # granted, then cancelled: give the slot back
            else:
                self._leave(waiter)
            raise

    @staticmethod
    def _granted(waiter: _Waiter) -> bool:
        return waiter.future.done() and not waiter.future.cancelled()

    def _leave(self, waiter: _Waiter) -> None:
        if waiter in self._queue:
            self._queue.remove(waiter)
        self._report_load()

    def _reject(
        self, reason: RejectReason, tool: str | None, session_id: str | None, *, waited: float = 0.0
    ) -> None:
        self._observer.emit(RequestRejected(reason=reason, tool=tool, session_id=session_id))
        retry_after = self.retry_after_estimate()
        why = {
            "queue_full": f"{self._in_flight} calls running and {len(self._queue)} queued (queue full)",
            "queue_timeout": f"no slot freed within {waited:.1f} s ({self._in_flight} calls running)",
            "session_limit": f"this session already runs {self.session_limit} calls "
            "(ZEN_SESSION_MAX_IN_FLIGHT)",
            "memory_critical": "memory is critical",
        }[reason]
        raise AdmissionRejected(
            f"server busy: {why}; retry after {retry_after:.0f} s", retry_after=retry_after
        )
