"""``breaker_opens``: within N calls of a fault starting, calls stop waiting on it.

Measured from the client side, so it works for any MCP server: among the calls started
inside the fault window (in start order), every call after the first ``within_calls``
must come back fast (failed fast by an open breaker, or answered by a fallback). The
figure is the p95 latency of those later calls and the index from which calls were fast.

    - type: breaker_opens
      within_calls: 10
      fast_ms: 300
"""

from __future__ import annotations

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Verdict, register
from harness.chaos.records import RunData
from harness.chaos.stats import percentile


@register
class BreakerOpens(HypothesisSpec):
    kind = "breaker_opens"

    within_calls: int = Field(ge=1)
    fast_ms: float = Field(gt=0)
    fast_share: float = Field(default=0.95, gt=0, le=1, description="share of later calls that must be fast")

    def evaluate(self, run: RunData) -> Verdict:
        lo = run.fault_start_time()
        hi = run.fault_clear_time()
        calls = sorted((c for c in run.calls if lo <= c.start < hi), key=lambda c: c.start)
        later = calls[self.within_calls :]
        if not later:
            return self.no_data(f"calls after the first {self.within_calls} in the fault window")
        fast = [c.latency_s * 1000 <= self.fast_ms for c in calls]
        share = sum(fast[self.within_calls :]) / len(later)
        # The first index from which the rest of the window is (mostly) fast.
        opened_at: int | None = None
        for index in range(len(calls)):
            rest = fast[index:]
            if sum(rest) / len(rest) >= self.fast_share:
                opened_at = index
                break
        p95 = percentile([c.latency_s * 1000 for c in later], 95) or 0.0
        observed = f"{share:.0%} of {len(later)} later calls fast (p95 {p95:.0f} ms)"
        observed += f"; fast from call {opened_at}" if opened_at is not None else "; never fast"
        return self.verdict(
            share >= self.fast_share,
            observed,
            f">= {self.fast_share:.0%} under {self.fast_ms:g} ms after {self.within_calls} calls",
            fast_share=round(share, 4),
            p95_ms=round(p95, 1),
            fast_from_call=opened_at,
            window_calls=len(calls),
        )
