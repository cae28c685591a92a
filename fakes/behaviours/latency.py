"""Latency: fixed, or lognormal given its median (p50) and 99th percentile (p99)."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

_Z99 = NormalDist().inv_cdf(0.99)


class LatencySpec(BaseModel):
    """Delay before the reply starts. Either `fixed_ms`, or `p50_ms` with `p99_ms`; none = 0."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fixed_ms: float | None = Field(None, ge=0, le=3_600_000)
    p50_ms: float | None = Field(None, gt=0, le=3_600_000)
    p99_ms: float | None = Field(None, gt=0, le=3_600_000)
    max_ms: float | None = Field(None, ge=0, le=3_600_000, description="cap on any sample")

    @model_validator(mode="after")
    def _one_shape(self) -> Self:
        distributed = (self.p50_ms, self.p99_ms)
        if self.fixed_ms is not None and any(v is not None for v in distributed):
            raise ValueError("give either fixed_ms or p50_ms/p99_ms, not both")
        if (self.p50_ms is None) != (self.p99_ms is None):
            raise ValueError("p50_ms and p99_ms go together")
        if self.p50_ms is not None and self.p99_ms is not None and self.p99_ms < self.p50_ms:
            raise ValueError("p99_ms must be >= p50_ms")
        return self

    def sample_s(self, uniform: float) -> float:
        """The delay in seconds for one request, from one uniform draw in [0, 1)."""
        if self.p50_ms is not None and self.p99_ms is not None:
            # Lognormal: median exp(mu) = p50, and exp(mu + z99 * sigma) = p99.
            sigma = math.log(self.p99_ms / self.p50_ms) / _Z99
            z = NormalDist().inv_cdf(min(max(uniform, 1e-12), 1 - 1e-12))
            millis = self.p50_ms * math.exp(sigma * z)
        else:
            millis = self.fixed_ms or 0.0
        if self.max_ms is not None:
            millis = min(millis, self.max_ms)
        return millis / 1000.0
