"""Event-loop lag: how late the loop runs a timer, the symptom of blocking code on it.

Owns :class:`LoopLagMonitor`, a background task that sleeps ``interval_s`` and reports the
overshoot as the ``event_loop_lag_seconds`` gauge. The original server's synchronous model
calls showed up as seconds of lag; ours should stay in milliseconds under load.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from zen_server.observability.events import Observer


class LoopLagMonitor:
    """Samples lag every ``interval_s`` on the running loop; ``max_lag_s`` is the worst seen."""

    def __init__(self, observer: Observer, *, interval_s: float = 0.5) -> None:
        self._observer = observer
        self._interval = interval_s
        self._task: asyncio.Task[None] | None = None
        self.last_lag_s = 0.0
        self.max_lag_s = 0.0

    def start(self) -> None:
        """Start sampling on the running loop; a second call does nothing."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="zen-loop-lag")

    async def _run(self) -> None:
        while True:
            expected = time.perf_counter() + self._interval
            await asyncio.sleep(self._interval)
            lag = max(0.0, time.perf_counter() - expected)
            self.last_lag_s = lag
            self.max_lag_s = max(self.max_lag_s, lag)
            self._observer.set_gauge("event_loop_lag_seconds", lag)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
