"""Resident memory sampling for the metrics and the dashboard.

Owns :class:`RssSampler`, a background task reporting the process RSS as the
``process_rss_bytes`` gauge. The memory guard samples RSS for its own decisions; this one
exists so the figure is live even where no guard runs (tests, the ops listener alone).
"""

from __future__ import annotations

import asyncio
import contextlib

import psutil

from zen_server.observability.events import Observer


class RssSampler:
    def __init__(self, observer: Observer, *, interval_s: float = 2.0) -> None:
        self._observer = observer
        self._interval = interval_s
        self._process = psutil.Process()
        self._task: asyncio.Task[None] | None = None

    def sample(self) -> int:
        """Read RSS now, report it, and return it in bytes."""
        rss = int(self._process.memory_info().rss)
        self._observer.set_gauge("process_rss_bytes", float(rss))
        return rss

    def start(self) -> None:
        """Start sampling on the running loop; a second call does nothing."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="zen-rss")

    async def _run(self) -> None:
        while True:
            self.sample()  # one syscall-backed read: cheap enough to run on the loop
            await asyncio.sleep(self._interval)

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
