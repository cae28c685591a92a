"""Step: start at ``start_users``, add ``step_users`` every ``step_s`` up to ``max_users``, hold."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from harness.load.shapes.base import ShapeBase, Tick, fast_rate

STEP_SPAWN_S = 2.0  # each step is reached within about two seconds


class StepShape(ShapeBase):
    kind: Literal["step"] = "step"
    start_users: int = Field(ge=1, le=10_000)
    step_users: int = Field(ge=1, le=10_000)
    step_s: float = Field(gt=0, le=86_400)
    max_users: int = Field(ge=1, le=10_000)
    hold_s: float = Field(default=0.0, ge=0, le=86_400)

    @property
    def steps(self) -> int:
        """How many increments it takes to reach max_users."""
        gap = max(0, self.max_users - self.start_users)
        return -(-gap // self.step_users)

    @property
    def duration_s(self) -> float:
        return (self.steps + 1) * self.step_s + self.hold_s

    @property
    def peak_users(self) -> int:
        return max(self.start_users, self.max_users)

    def tick(self, t: float) -> Tick | None:
        if t >= self.duration_s:
            return None
        step = min(int(t // self.step_s), self.steps)
        users = min(self.start_users + step * self.step_users, self.peak_users)
        return users, fast_rate(self.step_users, STEP_SPAWN_S)
