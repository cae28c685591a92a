"""Drop: abort the connection, before any response or in the middle of a stream."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fakes.behaviours.base import FaultContext, FaultSpec
from fakes.script import Drop, Pause, Script, Step


class DropFault(FaultSpec):
    """Close the connection abruptly.

    Streaming calls get `fraction` of their events first ("dropped mid-stream"); other calls
    get nothing at all (the client sees the server disconnect without a response).
    """

    kind: Literal["drop"] = "drop"
    fraction: float = Field(0.5, gt=0.0, lt=1.0)

    def script(self, ctx: FaultContext) -> Script:
        if ctx.call.stream:
            return Script((*ctx.stream_prefix(self.fraction), Drop()), fault="drop")
        steps: list[Step] = [Pause(ctx.delay_s)] if ctx.delay_s > 0 else []
        return Script((*steps, Drop()), fault="drop")
