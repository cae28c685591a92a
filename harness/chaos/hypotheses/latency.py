"""``latency``: a percentile of call latency stays under a bound (an SLO).

- type: latency
  phase: during
  percentile: 95        # 100 = the slowest call: "no call hangs past the deadline"
  max_ms: 3000
  outcome: all          # all | ok | failed (e.g. "rejections are fast")

Or relative to another phase of the same run, so a busy machine slows both alike:

  max_ratio: 1.5        # p95 here <= 1.5 x p95 of ...
  ratio_to: before      # ... this phase
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from harness.chaos.hypotheses.base import HypothesisSpec, Verdict, register
from harness.chaos.records import RunData
from harness.chaos.stats import percentile


@register
class Latency(HypothesisSpec):
    kind = "latency"

    percentile: float = Field(default=95.0, gt=0, le=100)
    max_ms: float | None = Field(default=None, gt=0)
    max_ratio: float | None = Field(default=None, gt=0)
    ratio_to: Literal["before", "during", "after"] = "before"
    outcome: Literal["all", "ok", "failed"] = "all"
    min_calls: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _one_bound(self) -> Latency:
        if (self.max_ms is None) == (self.max_ratio is None):
            raise ValueError("give max_ms, or max_ratio (with ratio_to), not both")
        return self

    def _value_ms(
        self, run: RunData, phase: Literal["before", "during", "after"]
    ) -> tuple[float | None, int]:
        calls = run.calls_in(phase)
        if self.outcome == "ok":
            calls = [c for c in calls if c.ok]
        elif self.outcome == "failed":
            calls = [c for c in calls if not c.ok]
        return percentile([c.latency_s * 1000 for c in calls], self.percentile), len(calls)

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
        if self.max_ratio is not None:
            reference, _ = self._value_ms(run, self.ratio_to)
            if reference is None:
                return self.no_data(f"calls in phase {self.ratio_to} to compare with")
            return self.verdict(
                value <= self.max_ratio * reference,
                f"{label} = {value:.0f} ms over {len(calls)} calls, {value / reference:.2f}x {self.ratio_to}",
                f"<= {self.max_ratio:g} x {self.ratio_to}'s {reference:.0f} ms",
                value_ms=round(value, 1),
                reference_ms=round(reference, 1),
                calls=len(calls),
            )
        assert self.max_ms is not None
        return self.verdict(
            value <= self.max_ms,
            f"{label} = {value:.0f} ms over {len(calls)} calls",
            f"<= {self.max_ms:g} ms",
            value_ms=round(value, 1),
            calls=len(calls),
        )
