"""Ramp: from 0 to ``users`` linearly over ``ramp_s``, hold for ``hold_s``, then stop."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from harness.load.shapes.base import ShapeBase, Tick, fast_rate


class RampShape(ShapeBase):
    kind: Literal["ramp"] = "ramp"
    users: int = Field(ge=1, le=10_000)
    ramp_s: float = Field(gt=0, le=86_400)
    hold_s: float = Field(default=0.0, ge=0, le=86_400)

    @property
    def duration_s(self) -> float:
        return self.ramp_s + self.hold_s

    @property
    def peak_users(self) -> int:
        return self.users

    def tick(self, t: float) -> Tick | None:
        if t >= self.duration_s:
            return None
        # The target grows with time and Locust spawns at the ramp's own slope.
        target = self.users if t >= self.ramp_s else max(1, round(self.users * t / self.ramp_s))
        return target, fast_rate(self.users, self.ramp_s)
