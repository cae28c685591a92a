"""timeout: let no data through and close the stream after ``timeout`` ms (0: never).

The clock starts when the toxic attaches to the connection. Data is dropped, so removing
the toxic from a live connection closes it, as Toxiproxy does: the stream has a hole.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from harness.proxy.stream import Signal
from harness.proxy.toxics.base import Toxic, ToxicStub, register_toxic

_FOREVER = 365 * 24 * 3600.0


@register_toxic
@dataclass
class TimeoutToxic(Toxic):
    type_name = "timeout"
    timeout: int = 0  # milliseconds; 0 holds the connection open and silent forever

    async def pipe(self, stub: ToxicStub) -> None:
        loop = asyncio.get_running_loop()
        span = self.timeout / 1000.0 if self.timeout > 0 else _FOREVER
        deadline = loop.time() + span
        while True:
            item = await stub.receive_until(deadline)
            if item is None:
                stub.close()
                return
            if item is Signal.INTERRUPT:
                return
            if item is Signal.END:
                stub.close()
                return
            stub.discard(len(item.data))  # dropped on purpose; let the reader read on

    def cleanup(self, stub: ToxicStub) -> None:
        stub.close()
