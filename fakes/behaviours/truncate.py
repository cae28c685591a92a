"""A body cut short: the declared length is never reached, or the stream ends without its end."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fakes.behaviours.base import FaultContext, FaultSpec
from fakes.script import JSON_TYPE, Drop, Finish, Pause, Script, Send, Start, Step


class TruncatedFault(FaultSpec):
    """Non-streaming: Content-Length of the whole body, `fraction` of it sent, connection closed.
    Streaming: the first `fraction` of the events, then a clean end with no final event."""

    kind: Literal["truncated"] = "truncated"
    fraction: float = Field(0.5, gt=0.0, lt=1.0)

    def script(self, ctx: FaultContext) -> Script:
        if ctx.call.stream:
            return Script((*ctx.stream_prefix(self.fraction), Finish()), fault="truncated")
        cut = max(1, int(len(ctx.body) * self.fraction))
        steps: list[Step] = [Pause(ctx.delay_s)] if ctx.delay_s > 0 else []
        steps += [Start(200, (("content-type", JSON_TYPE),), len(ctx.body)), Send(ctx.body[:cut]), Drop()]
        return Script(tuple(steps), fault="truncated")
