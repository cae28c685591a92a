"""``availability``: the share of seconds in a phase in which at least one call succeeded.

Time-based, so a fault that stops everything for 5 s of a 10 s phase reads 50% however
many calls were attempted meanwhile.

    - type: availability
      phase: during
      min: 0.9
"""

from __future__ import annotations

import math

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Verdict, register
from harness.chaos.records import RunData


@register
class Availability(HypothesisSpec):
    kind = "availability"

    min: float = Field(ge=0, le=1)
    bucket_s: float = Field(default=1.0, gt=0, le=60)

    def evaluate(self, run: RunData) -> Verdict:
        lo, hi = run.span(self.phase)
        count = math.floor((hi - lo) / self.bucket_s)
        if count < 1:
            return self.no_data("whole second")
        up = [False] * count
        for call in run.calls:
            if call.ok and lo <= call.end < lo + count * self.bucket_s:
                up[int((call.end - lo) / self.bucket_s)] = True
        share = sum(up) / count
        return self.verdict(
            share >= self.min,
            f"{share:.0%} of {count} x {self.bucket_s:g}s had a success",
            f">= {self.min:.0%}",
            availability=round(share, 4),
            buckets=count,
        )
