"""``latency``: a percentile of call latency stays under a bound (an SLO).

- type: latency
  phase: during
  percentile: 95        # 100 = the slowest call: "no call hangs past the deadline"
  max_ms: 3000
  outcome: all          # all | ok | failed (e.g. "rejections are fast")
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Verdict, register
from harness.chaos.records import RunData
from harness.chaos.stats import percentile


@register
class Latency(HypothesisSpec):
    kind = "latency"

    percentile: float = Field(default=95.0, gt=0, le=100)
    max_ms: float = Field(gt=0)
    outcome: Literal["all", "ok", "failed"] = "all"
    min_calls: int = Field(default=1, ge=1)

    def evaluate(self, run: RunData) -> Verdict:
        calls = run.calls_in(self.phase)
        if self.outcome == "ok":
            calls = [c for c in calls if c.ok]
        elif self.outcome == "failed":
            calls = [c for c in calls if not c.ok]
        value = percentile([c.latency_s * 1000 for c in calls], self.percentile)
        label = f"p{self.percentile:g}" + ("" if self.outcome == "all" else f" ({self.outcome} calls)")
        if value is None or len(calls) < self.min_calls:
            return self.no_data(f"{self.outcome} calls (need {self.min_calls}, got {len(calls)})")
        return self.verdict(
            value <= self.max_ms,
            f"{label} = {value:.0f} ms over {len(calls)} calls",
            f"<= {self.max_ms:g} ms",
            value_ms=round(value, 1),
            calls=len(calls),
        )
