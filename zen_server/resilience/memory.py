"""MemoryGuard: watch the process RSS against MEMORY_LIMIT_MB and push back before OOM.

A background task samples the resident set size every ``interval_s`` seconds (psutil;
one cheap /proc read, so it runs on the loop). Levels, as fractions of the limit:

* ``ok`` below 80 %;
* ``pressure`` at 80 % or more: every callback registered with :meth:`on_pressure` runs on
  each sample while the level stays there (the conversation store evicts), and a
  ``SystemEvent("memory_pressure")`` is emitted when the level is entered;
* ``critical`` at 95 % or more: callbacks still run, and :meth:`raise_if_critical` raises
  :class:`MemoryPressureError` so admission refuses new work until RSS falls.

The ``process_rss_bytes`` gauge is set on every sample. A failing callback is logged and
never stops the sampler. :meth:`aclose` cancels and awaits the task.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Literal

import psutil

from zen_server.background import BackgroundLoop
from zen_server.errors import MemoryPressureError
from zen_server.observability.events import NullObserver, Observer, SystemEvent
from zen_server.observability.rss import process_rss_bytes

log = logging.getLogger(__name__)

MemoryLevel = Literal["ok", "pressure", "critical"]
PressureCallback = Callable[[MemoryLevel], Awaitable[None] | None]

PRESSURE_FRACTION = 0.80
CRITICAL_FRACTION = 0.95


class MemoryGuard:
    def __init__(
        self,
        limit_mb: int,
        observer: Observer | None = None,
        *,
        interval_s: float = 1.0,
        rss_reader: Callable[[], int] = process_rss_bytes,
    ) -> None:
        self.limit_bytes = limit_mb * 1024 * 1024
        self._observer: Observer = observer or NullObserver()
        self._interval_s = interval_s
        self._read = rss_reader
        self._callbacks: list[PressureCallback] = []
        self._loop = BackgroundLoop("zen-memory-guard", self._sample_logged, interval_s)
        self.rss_bytes = 0
        self._level: MemoryLevel = "ok"

    def on_pressure(self, callback: PressureCallback) -> None:
        """Run ``callback(level)`` on every sample at pressure or critical level."""
        self._callbacks.append(callback)

    def level(self) -> MemoryLevel:
        return self._level

    def classify(self, rss_bytes: int) -> MemoryLevel:
        if rss_bytes >= self.limit_bytes * CRITICAL_FRACTION:
            return "critical"
        if rss_bytes >= self.limit_bytes * PRESSURE_FRACTION:
            return "pressure"
        return "ok"

    async def sample(self) -> MemoryLevel:
        """Read RSS now, update the level and gauge, and run callbacks if under pressure."""
        self.rss_bytes = self._read()
        level = self.classify(self.rss_bytes)
        previous, self._level = self._level, level
        self._observer.set_gauge("process_rss_bytes", float(self.rss_bytes))
        if level != "ok" and previous == "ok":
            log.warning("memory %s: RSS %d MB of %d MB", level, self._mb(self.rss_bytes), self._mb())
            self._observer.emit(
                SystemEvent(
                    kind="memory_pressure",
                    detail={"level": level, "rss_bytes": self.rss_bytes, "limit_bytes": self.limit_bytes},
                )
            )
        if level != "ok":
            for callback in list(self._callbacks):
                try:
                    result = callback(level)
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    log.exception("memory pressure callback failed")
        return level

    def raise_if_critical(self) -> None:
        if self._level == "critical":
            raise MemoryPressureError(
                f"server memory is critical ({self._mb(self.rss_bytes)} MB of the "
                f"{self._mb()} MB MEMORY_LIMIT_MB); new requests are refused until it drops. "
                "Retry in a few seconds.",
                retry_after=max(1.0, 2 * self._interval_s),
            )

    def start(self) -> None:
        self._loop.start()

    async def aclose(self) -> None:
        await self._loop.aclose()

    async def _sample_logged(self) -> None:
        # Reading RSS can fail (psutil.Error, OSError); the guard then keeps its last level.
        try:
            await self.sample()
        except (psutil.Error, OSError):
            log.exception("memory sampling failed")

    def _mb(self, value: int | None = None) -> int:
        return (self.limit_bytes if value is None else value) // (1024 * 1024)
