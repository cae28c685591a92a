"""limit_data: close the stream once ``bytes`` bytes have passed on this connection.

The count is per connection and survives updates of the toxic (its state lives on the stub).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.proxy.stream import Chunk, Signal
from harness.proxy.toxics.base import Toxic, ToxicStub, register_toxic


@dataclass
class _Transmitted:
    bytes: int = 0


@register_toxic
@dataclass
class LimitDataToxic(Toxic):
    type_name = "limit_data"
    bytes: int = 0

    def new_state(self) -> _Transmitted:
        return _Transmitted()

    async def pipe(self, stub: ToxicStub) -> None:
        state: _Transmitted = stub.state
        while True:
            item = await stub.receive()
            if item is Signal.INTERRUPT:
                return
            if item is Signal.END:
                stub.close()
                return
            remaining = max(self.bytes - state.bytes, 0)
            data = item.data[:remaining]
            stub.discard(len(item.data) - len(data))
            if data:
                stub.send(Chunk(data, item.timestamp))
                state.bytes += len(data)
            if self.bytes - state.bytes <= 0:
                stub.close()
                return
