"""latency: delay every chunk by ``latency`` +/- ``jitter`` milliseconds.

Each chunk is due ``delay`` after it was read, so chunks in flight overlap rather than
queue behind each other; chained latency toxics add up because the chunk's timestamp
moves forward by the time already waited.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass

from harness.proxy.stream import Signal
from harness.proxy.toxics.base import Toxic, ToxicStub, register_toxic


@register_toxic
@dataclass
class LatencyToxic(Toxic):
    type_name = "latency"
    latency: int = 0  # milliseconds
    jitter: int = 0  # milliseconds, uniform +/- around latency

    def delay_seconds(self) -> float:
        delay = self.latency
        if self.jitter > 0:
            delay += random.randrange(-self.jitter, self.jitter)
        return delay / 1000.0

    async def pipe(self, stub: ToxicStub) -> None:
        loop = asyncio.get_running_loop()
        while True:
            item = await stub.receive()
            if item is Signal.INTERRUPT:
                return
            if item is Signal.END:
                stub.close()
                return
            wait = self.delay_seconds() - (loop.time() - item.timestamp)
            completed = await stub.sleep(wait)
            item.timestamp += max(wait, 0.0)
            stub.send(item)  # sent even when interrupted: removal never drops data
            if not completed:
                return
