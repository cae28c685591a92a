"""``failures_in_flight_only``: a fault fails only the calls it caught in flight, and briefly.

For an instance killed under load: the calls that fail must be ones that had started by
the time of the kill (plus ``grace_s`` for the kill to land), at most ``max_failed`` of
them, and the last failure must end within ``within_s`` of the kill. Calls started after
it all succeed: the balancer routes around the dead instance. Figures: how many failed,
and for how long after the kill failures were seen.

    - type: failures_in_flight_only
      max_failed: 6
      within_s: 3
"""

from __future__ import annotations

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Phase, Verdict, register
from harness.chaos.records import RunData
from harness.chaos.timescale import TimelineSeconds


@register
class FailuresInFlightOnly(HypothesisSpec):
    kind = "failures_in_flight_only"

    phase: Phase = "run"
    max_failed: int = Field(ge=0)
    within_s: TimelineSeconds = Field(gt=0)
    grace_s: TimelineSeconds = Field(default=0.2, ge=0)

    def evaluate(self, run: RunData) -> Verdict:
        if not run.calls:
            return self.no_data("calls")
        fault = run.fault_start_time()
        failed = [c for c in run.calls if not c.ok]
        late = [c for c in failed if c.start > fault + self.grace_s]
        lasted = max((c.end - fault for c in failed), default=0.0)
        passed = not late and len(failed) <= self.max_failed and lasted <= self.within_s
        detail = "; ".join(sorted({f"{c.kind}: {c.error}" for c in failed})[:5])
        return self.verdict(
            passed,
            f"{len(failed)} failed, the last {lasted:.2f}s after the fault; {len(late)} started after it",
            f"<= {self.max_failed} failed, all in flight at the fault, none later than {self.within_s:g}s",
            detail,
            failed_calls=len(failed),
            failures_for_s=round(lasted, 3),
            failed_after_fault=len(late),
            total_calls=len(run.calls),
        )
