"""Event-loop lag: how late the loop runs a timer, the symptom of blocking code on it.

Owns :class:`LoopLagMonitor`, a background task that sleeps ``interval_s`` and reports the
overshoot as the ``event_loop_lag_seconds`` gauge. The original server's synchronous model
calls showed up as seconds of lag; ours should stay in milliseconds under load.
"""

from __future__ import annotations

import time

from zen_server.background import BackgroundLoop
from zen_server.observability.events import Observer


class LoopLagMonitor:
    """Samples lag every ``interval_s`` on the running loop; ``max_lag_s`` is the worst seen."""

    def __init__(self, observer: Observer, *, interval_s: float = 0.5) -> None:
        self._observer = observer
        self._interval = interval_s
        self._loop = BackgroundLoop("zen-loop-lag", self._measure, interval_s, delay_first=True)
        self._expected = 0.0
        self.last_lag_s = 0.0
        self.max_lag_s = 0.0

    def start(self) -> None:
        """Start sampling on the running loop; a second call does nothing."""
        self._loop.interval_s = self._interval
        self._expected = time.perf_counter() + self._interval
        self._loop.start()

    def _measure(self) -> None:
        now = time.perf_counter()
        lag = max(0.0, now - self._expected)
        self._expected = now + self._interval
        self.last_lag_s = lag
        self.max_lag_s = max(self.max_lag_s, lag)
        self._observer.set_gauge("event_loop_lag_seconds", lag)

    async def aclose(self) -> None:
        await self._loop.aclose()
