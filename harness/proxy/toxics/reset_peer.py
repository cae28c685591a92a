"""reset_peer: when data first arrives, wait ``timeout`` ms, then reset the connection (RST).

That first chunk is dropped, as in Toxiproxy; the close uses SO_LINGER 0 so the peer sees
"connection reset by peer" rather than an orderly end of stream.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.proxy.stream import Signal
from harness.proxy.toxics.base import Toxic, ToxicStub, register_toxic


@register_toxic
@dataclass
class ResetPeerToxic(Toxic):
    type_name = "reset_peer"
    timeout: int = 0  # milliseconds after the first data; 0 resets at once

    async def pipe(self, stub: ToxicStub) -> None:
        item = await stub.receive()
        if item is Signal.INTERRUPT:
            return
        if item is not Signal.END:
            stub.discard(len(item.data))
        if await stub.sleep(self.timeout / 1000.0):
            stub.reset()
