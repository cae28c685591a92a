"""Hang: accept the request and never answer (or stall a stream half-way)."""

from __future__ import annotations

from typing import Literal

from fakes.behaviours.base import FaultContext, FaultSpec
from fakes.script import Hang, Script


class HangFault(FaultSpec):
    """Send nothing until the client gives up or the fake shuts down.

    `at="mid_stream"` first sends half the stream (headers included), then stalls.
    """

    kind: Literal["hang"] = "hang"
    at: Literal["start", "mid_stream"] = "start"

    def script(self, ctx: FaultContext) -> Script:
        if self.at == "mid_stream" and ctx.call.stream:
            return Script((*ctx.stream_prefix(0.5), Hang()), fault="hang")
        return Script((Hang(),), fault="hang")
