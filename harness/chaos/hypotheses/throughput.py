"""``throughput``: successful calls per second (goodput) in a phase stay above a floor.

- type: throughput
  phase: during
  min_ok_per_s: 3
"""

from __future__ import annotations

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Verdict, register
from harness.chaos.records import RunData


@register
class Throughput(HypothesisSpec):
    kind = "throughput"

    min_ok_per_s: float = Field(gt=0)

    def evaluate(self, run: RunData) -> Verdict:
        lo, hi = run.span(self.phase)
        if hi <= lo:
            return self.no_data("time")
        ok = sum(1 for c in run.calls if c.ok and lo <= c.end < hi)
        rate = ok / (hi - lo)
        return self.verdict(
            rate >= self.min_ok_per_s,
            f"{rate:.2f} ok calls/s ({ok} in {hi - lo:.1f}s)",
            f">= {self.min_ok_per_s:g}/s",
            ok_per_s=round(rate, 3),
            ok_calls=ok,
        )
