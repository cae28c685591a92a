"""Cycle: a compressed daily cycle, ``base_users`` at night to ``peak_users`` at noon, ``periods`` times.

users(t) = base + (peak - base) x (1 - cos(2 pi t / period)) / 2: smooth, so a forecaster
with a season (Holt-Winters) can learn the first period and anticipate the second.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from harness.load.shapes.base import ShapeBase, Tick, fast_rate


class CycleShape(ShapeBase):
    kind: Literal["cycle"] = "cycle"
    base_users: int = Field(ge=1, le=10_000)
    top_users: int = Field(ge=1, le=10_000)
    period_s: float = Field(gt=0, le=86_400)
    periods: int = Field(ge=1, le=100)

    @property
    def duration_s(self) -> float:
        return self.period_s * self.periods

    @property
    def peak_users(self) -> int:
        return max(self.base_users, self.top_users)

    def tick(self, t: float) -> Tick | None:
        if t >= self.duration_s:
            return None
        phase = (1.0 - math.cos(2.0 * math.pi * t / self.period_s)) / 2.0
        users = round(self.base_users + (self.top_users - self.base_users) * phase)
        return max(1, users), fast_rate(self.peak_users, self.period_s / 20.0)
