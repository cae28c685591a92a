"""Graceful drain: stop taking calls, let the ones in flight finish, then let the process go.

:class:`Drain` wraps the admission gate. Until :meth:`Drain.begin` it only counts the calls
inside; afterwards it refuses new ones with :class:`ShuttingDown` (an ``AdmissionRejected``,
so the client is told to retry, and behind a balancer lands on another instance), and
:meth:`Drain.wait_idle` returns once the last admitted call has left, or the drain timeout
(ZEN_DRAIN_TIMEOUT_S) has passed. Readiness reads :attr:`Drain.draining`, so /ready turns
503 the moment the drain begins and a balancer's health check takes the instance out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from zen_server.errors import ShuttingDown

logger = logging.getLogger(__name__)

# What a refused caller is told to wait before retrying (elsewhere, usually).
RETRY_AFTER_S = 1.0


class Gate(Protocol):
    def admit(self, *, tool: str, session_id: str | None) -> AbstractAsyncContextManager[object]: ...


class Drain:
    """Counts admitted calls; after ``begin()`` refuses new ones and reports when none are left."""

    def __init__(self, inner: Gate, *, timeout_s: float) -> None:
        self._inner = inner
        self.timeout_s = timeout_s
        self._in_flight = 0
        self._draining = False
        self._idle = asyncio.Event()
        self._idle.set()
        self._when_idle: list[Callable[[], Awaitable[None]]] = []

    @property
    def draining(self) -> bool:
        return self._draining

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def begin(self) -> None:
        """Refuse new calls from now on; idempotent."""
        if not self._draining:
            self._draining = True
            logger.info("draining: refusing new calls, %d in flight", self._in_flight)

    @asynccontextmanager
    async def admit(self, *, tool: str, session_id: str | None) -> AsyncIterator[None]:
        if self._draining:
            raise ShuttingDown(
                "this server instance is shutting down and takes no new calls; "
                f"retry in {RETRY_AFTER_S:g} s (a load balancer sends it to another instance)",
                retry_after=RETRY_AFTER_S,
            )
        self._in_flight += 1
        self._idle.clear()
        try:
            async with self._inner.admit(tool=tool, session_id=session_id):
                yield
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    def when_idle(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run ``hook`` at the end of :meth:`settle` (e.g. close idle HTTP sessions and their streams)."""
        self._when_idle.append(hook)

    async def settle(self, timeout_s: float | None = None) -> bool:
        """Wait for the calls in flight (up to the timeout), then run the ``when_idle`` hooks."""
        idle = await self.wait_idle(timeout_s)
        for hook in self._when_idle:
            try:
                await hook()
            except Exception:  # closing what is left must not stop the exit
                logger.exception("a drain hook failed")
        return idle

    async def wait_idle(self, timeout_s: float | None = None) -> bool:
        """True once no call is in flight; False if ``timeout_s`` (default: drain timeout) passed first."""
        limit = self.timeout_s if timeout_s is None else timeout_s
        if self._idle.is_set():
            return True
        try:
            await asyncio.wait_for(self._idle.wait(), timeout=limit)
        except TimeoutError:
            logger.warning(
                "drain timeout (%.1f s) passed with %d calls still in flight", limit, self._in_flight
            )
            return False
        return True


__all__ = ["RETRY_AFTER_S", "Drain"]
