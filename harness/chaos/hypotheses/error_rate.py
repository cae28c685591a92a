"""``error_rate``: the share of failed calls stays under a bound.

- type: error_rate
  phase: before
  max: 0.01
  kinds: [timeout, transport_error]   # optional: count only these outcome kinds
  settle_s: 1                         # optional: only calls started this long into the phase
"""

from __future__ import annotations

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Verdict, register
from harness.chaos.records import RunData
from harness.chaos.timescale import TimelineSeconds

KINDS = {"tool_error", "protocol_error", "timeout", "transport_error"}


@register
class ErrorRate(HypothesisSpec):
    kind = "error_rate"

    max: float = Field(ge=0, le=1)
    kinds: list[str] | None = None
    min_calls: int = Field(default=1, ge=1)
    settle_s: TimelineSeconds = Field(default=0.0, ge=0, le=600, description="skip calls started earlier")

    def evaluate(self, run: RunData) -> Verdict:
        calls = run.calls_in(self.phase)
        if self.settle_s:
            start = run.span(self.phase)[0] + self.settle_s
            calls = [c for c in calls if c.start >= start]
        if len(calls) < self.min_calls:
            return self.no_data(f"calls (need {self.min_calls}, got {len(calls)})")
        counted = set(self.kinds) if self.kinds else KINDS
        failed = [c for c in calls if c.kind in counted]
        rate = len(failed) / len(calls)
        by_kind: dict[str, int] = {}
        for call in failed:
            by_kind[call.kind] = by_kind.get(call.kind, 0) + 1
        detail = ", ".join(f"{k}: {n}" for k, n in sorted(by_kind.items()))
        example = next((c.error for c in failed if c.error), None)
        if example:
            detail += f"; e.g. {example[:160]}"
        return self.verdict(
            rate <= self.max,
            f"{rate:.1%} ({len(failed)}/{len(calls)})",
            f"<= {self.max:.1%}",
            detail,
            error_rate=round(rate, 4),
            failed=len(failed),
            calls=len(calls),
        )
