"""bandwidth: pass data at most ``rate`` KB/s (1 KB = 1000 bytes, as in Toxiproxy).

Time owed for each chunk accumulates in ``debt``; chunks larger than 100 ms of budget go
out in 100 ms slices so a slow rate still delivers steadily.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from harness.proxy.stream import Chunk, Signal
from harness.proxy.toxics.base import Toxic, ToxicStub, register_toxic

_SLICE_SECONDS = 0.1


@register_toxic
@dataclass
class BandwidthToxic(Toxic):
    type_name = "bandwidth"
    rate: int = 0  # KB/s; 0 or less means unlimited

    async def pipe(self, stub: ToxicStub) -> None:
        loop = asyncio.get_running_loop()
        debt = 0.0  # seconds we still owe the rate for data already passed
        while True:
            item = await stub.receive()
            if item is Signal.INTERRUPT:
                return
            if item is Signal.END:
                stub.close()
                return
            if self.rate <= 0:
                debt = 0.0
                stub.send(item)
                continue
            bytes_per_second = self.rate * 1000
            debt += len(item.data) / bytes_per_second
            data = item.data
            slice_bytes = int(bytes_per_second * _SLICE_SECONDS)
            while len(data) > slice_bytes:
                if not await stub.sleep(_SLICE_SECONDS):
                    stub.send(Chunk(data, item.timestamp))
                    return
                stub.send(Chunk(data[:slice_bytes], item.timestamp))
                data = data[slice_bytes:]
                debt -= _SLICE_SECONDS
            started = loop.time()
            completed = await stub.sleep(debt)
            # The timer overshoots a little; paying the overshoot back keeps the average exact.
            debt -= loop.time() - started
            stub.send(Chunk(data, item.timestamp))
            if not completed:
                return
