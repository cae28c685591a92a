"""Where requests held by a ``Gather`` step meet: each waits until ``count`` wait together.

Owns :class:`Rendezvous`, one per engine, used by whichever executor plays its scripts
(the wire server or the respx routes; each runs on one event loop). Once ``count`` requests
are waiting, all of them go on at once and the next ones start a new meeting, so a test
can prove that N calls were in flight side by side by an event instead of a clock: a
server that sent them one at a time never gathers N, and its calls wait until they time out.
"""

from __future__ import annotations

import asyncio


class Rendezvous:
    def __init__(self) -> None:
        self._waiting = 0
        self._met: asyncio.Event | None = None

    @property
    def waiting(self) -> int:
        return self._waiting

    async def meet(self, count: int, gone: asyncio.Event | None = None) -> bool:
        """Wait for ``count`` requests (this one included); False when ``gone`` fires first."""
        if self._met is None:
            self._met = asyncio.Event()
        met = self._met
        self._waiting += 1
        if self._waiting >= count:
            met.set()
            self._met, self._waiting = None, 0
            return True
        waits = [asyncio.ensure_future(met.wait())]
        if gone is not None:
            waits.append(asyncio.ensure_future(gone.wait()))
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            if not met.is_set():  # left (or was cancelled) before the meeting: not counted
                self._waiting -= 1
        return met.is_set()
