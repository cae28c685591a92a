"""Spike: ``base_users`` steady, a sudden jump to ``peak_users`` for ``spike_s`` at ``at_s``, back."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from harness.load.shapes.base import ShapeBase, Tick

SPIKE_RATE = 1000.0  # a spike arrives at once: spawn every user in the same second


class SpikeShape(ShapeBase):
    kind: Literal["spike"] = "spike"
    base_users: int = Field(ge=1, le=10_000)
    spike_users: int = Field(ge=1, le=10_000)
    at_s: float = Field(ge=0, le=86_400)
    spike_s: float = Field(gt=0, le=86_400)
    total_s: float = Field(gt=0, le=86_400)

    @model_validator(mode="after")
    def _spike_fits(self) -> SpikeShape:
        if self.at_s + self.spike_s > self.total_s:
            raise ValueError("at_s + spike_s must end before total_s")
        return self

    @property
    def duration_s(self) -> float:
        return self.total_s

    @property
    def peak_users(self) -> int:
        return max(self.base_users, self.spike_users)

    def tick(self, t: float) -> Tick | None:
        if t >= self.total_s:
            return None
        if self.at_s <= t < self.at_s + self.spike_s:
            return self.spike_users, SPIKE_RATE
        return self.base_users, SPIKE_RATE
