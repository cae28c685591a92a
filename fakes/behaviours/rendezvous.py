"""Rendezvous: hold each answer until ``count`` requests are waiting together, then answer.

Not a failure but a proof: with ``{kind: rendezvous, count: 50}`` a test's 50 calls are
answered only once all 50 are at the provider at the same time, so "they ran side by side"
is shown by an event, not by a latency a busy machine could miss. Fewer than ``count``
concurrent requests wait until their clients give up.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fakes.behaviours.base import FaultContext, FaultSpec
from fakes.script import Finish, Gather, Script, body_script, stream_steps


class RendezvousFault(FaultSpec):
    kind: Literal["rendezvous"] = "rendezvous"
    count: int = Field(ge=2, le=100_000, description="requests that must wait together")

    def script(self, ctx: FaultContext) -> Script:
        if ctx.call.stream:
            reply = (
                *stream_steps(list(ctx.events), first_delay_s=ctx.delay_s, chunk_delay_s=ctx.chunk_delay_s),
                Finish(),
            )
        else:
            reply = body_script(200, ctx.body, delay_s=ctx.delay_s).steps
        return Script((Gather(self.count), *reply), fault="rendezvous")
