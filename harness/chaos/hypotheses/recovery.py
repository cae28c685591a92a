"""``recovery``: after the last fault clears, calls succeed again within T seconds, and stay up.

The figure is the time from the fault clearing to the first success among calls started
after it; then the error rate of calls started from ``clear + within_s`` to the run's end
must stay at most ``max_error_rate``. Client-side, so it works for any MCP server.

    - type: recovery
      within_s: 5
      max_error_rate: 0.0
"""

from __future__ import annotations

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Phase, Verdict, register
from harness.chaos.records import RunData
from harness.chaos.stats import error_rate
from harness.chaos.timescale import TimelineSeconds


@register
class Recovery(HypothesisSpec):
    kind = "recovery"

    phase: Phase = "after"
    within_s: TimelineSeconds = Field(gt=0)
    max_error_rate: float = Field(default=0.0, ge=0, le=1)

    def evaluate(self, run: RunData) -> Verdict:
        clear = run.fault_clear_time()
        after = sorted((c for c in run.calls if c.start >= clear), key=lambda c: c.end)
        first_ok = next((c for c in after if c.ok), None)
        if first_ok is None:
            return self.verdict(
                False,
                f"no success in {run.end - clear:.1f}s after the fault cleared",
                f"<= {self.within_s:g}s",
            )
        took = first_ok.end - clear
        settled = [c for c in after if c.start >= clear + self.within_s]
        rate = error_rate(settled)
        passed = took <= self.within_s and rate is not None and rate <= self.max_error_rate
        rate_text = "n/a (no calls)" if rate is None else f"{rate:.1%} of {len(settled)}"
        return self.verdict(
            passed,
            f"first success {took:.2f}s after clear; errors after that: {rate_text}",
            f"<= {self.within_s:g}s, then errors <= {self.max_error_rate:.1%}",
            recovery_s=round(took, 3),
            settled_error_rate=None if rate is None else round(rate, 4),
            settled_calls=len(settled),
        )
