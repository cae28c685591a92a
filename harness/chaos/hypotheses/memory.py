"""``memory_growth``: the target's RSS grows by at most X MB over a phase.

RSS is sampled from the target's pid(s) with psutil; growth is the peak within the phase
minus the first sample of the phase.

    - type: memory_growth
      phase: run
      max_mb: 80
"""

from __future__ import annotations

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Phase, Verdict, register
from harness.chaos.records import RunData


@register
class MemoryGrowth(HypothesisSpec):
    kind = "memory_growth"

    phase: Phase = "run"
    max_mb: float = Field(gt=0)

    def evaluate(self, run: RunData) -> Verdict:
        lo, hi = run.span(self.phase)
        samples = [s for s in run.rss_mb if lo <= s.t <= hi]
        if len(samples) < 2:
            return self.no_data("RSS samples (is the target's pid known?)")
        start = samples[0].value
        peak = max(s.value for s in samples)
        growth = peak - start
        return self.verdict(
            growth <= self.max_mb,
            f"+{growth:.1f} MB (from {start:.0f} to peak {peak:.0f} MB)",
            f"<= {self.max_mb:g} MB",
            growth_mb=round(growth, 2),
            start_mb=round(start, 1),
            peak_mb=round(peak, 1),
        )
