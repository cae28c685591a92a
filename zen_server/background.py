"""The one background-loop helper: run a step now and then every ``interval_s`` on the running loop.

Samplers (RSS, loop lag, chart history), the memory guard and the store's TTL sweeper all
run this way. ``start`` is idempotent (and restarts a loop that ended); ``aclose`` cancels
it and waits. A step that raises ends its loop and the error surfaces through asyncio's
"exception was never retrieved" report: steps handle the failures they expect themselves,
so a bug is not hidden by a catch-all here.

It sits at the bottom of the package tower beside ``config`` and ``errors``.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Awaitable, Callable

Step = Callable[[], Awaitable[object] | object]


class BackgroundLoop:
    """``step()`` every ``interval_s`` seconds (first right away unless ``delay_first``)."""

    def __init__(self, name: str, step: Step, interval_s: float, *, delay_first: bool = False) -> None:
        self.name = name
        self.interval_s = interval_s
        self._step = step
        self._delay_first = delay_first
        self._task: asyncio.Task[None] | None = None

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The task of the current (or last) run; None before start and after aclose."""
        return self._task

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start on the running loop; a second call while it runs does nothing."""
        if not self.running:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=self.name)

    async def _run(self) -> None:
        if self._delay_first:
            await asyncio.sleep(self.interval_s)
        while True:
            result = self._step()
            if inspect.isawaitable(result):
                await result
            await asyncio.sleep(self.interval_s)

    async def aclose(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


__all__ = ["BackgroundLoop"]
