"""Soak: ``users`` held steady for ``duration`` (after a short ``warmup_s`` ramp), for leaks."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from harness.load.shapes.base import ShapeBase, Tick, fast_rate


class SoakShape(ShapeBase):
    kind: Literal["soak"] = "soak"
    users: int = Field(ge=1, le=10_000)
    warmup_s: float = Field(default=5.0, ge=0, le=3_600)
    soak_s: float = Field(gt=0, le=7 * 86_400)

    @property
    def duration_s(self) -> float:
        return self.warmup_s + self.soak_s

    @property
    def peak_users(self) -> int:
        return self.users

    def tick(self, t: float) -> Tick | None:
        if t >= self.duration_s:
            return None
        return self.users, fast_rate(self.users, self.warmup_s)
