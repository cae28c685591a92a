"""``action_done``: an action of the method finished, without error, by a time on the timeline.

For long actions (a rolling restart takes each instance through drain, exit and start): a
run that ended before the action did proved nothing about it. Matches the first logged
action whose description starts with ``action``; its time is the figure.

    - type: action_done
      action: rolling restart
      by_s: 20
"""

from __future__ import annotations

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Phase, Verdict, register
from harness.chaos.records import RunData
from harness.chaos.timescale import TimelineSeconds


@register
class ActionDone(HypothesisSpec):
    kind = "action_done"

    phase: Phase = "run"
    action: str = Field(min_length=1)
    by_s: TimelineSeconds = Field(gt=0, description="seconds since the load started")

    def evaluate(self, run: RunData) -> Verdict:
        done = next(((t, error) for t, what, error in run.actions if what.startswith(self.action)), None)
        if done is None:
            return self.verdict(
                False, "never finished", f"done by {self.by_s:g}s", f"no {self.action!r} logged"
            )
        t, error = done
        passed = error is None and t <= self.by_s
        observed = f"finished at {t:.1f}s" + (f" with an error: {error}" if error else "")
        return self.verdict(passed, observed, f"done by {self.by_s:g}s, no error", finished_at_s=round(t, 3))
