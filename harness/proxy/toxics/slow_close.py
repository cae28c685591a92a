"""slow_close: hold the close of the stream for ``delay`` milliseconds; data is unaffected."""

from __future__ import annotations

from dataclasses import dataclass

from harness.proxy.stream import Signal
from harness.proxy.toxics.base import Toxic, ToxicStub, register_toxic


@register_toxic
@dataclass
class SlowCloseToxic(Toxic):
    type_name = "slow_close"
    delay: int = 0  # milliseconds

    async def pipe(self, stub: ToxicStub) -> None:
        while True:
            item = await stub.receive()
            if item is Signal.INTERRUPT:
                return
            if item is Signal.END:
                # Interrupted mid-delay (removed): close now rather than lose the close.
                await stub.sleep(self.delay / 1000.0)
                stub.close()
                return
            stub.send(item)
