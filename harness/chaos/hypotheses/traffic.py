"""Traffic across fakes, from each fake's own request counter (the providers' side).

When one model is served by several fakes (deployments), these check where the target's
calls went, as the fakes counted them, never as the target reports it:

    - type: traffic_share          # over the phase (after settle_s): at most / at least a share
      provider: slow-1
      among: [fast-1, fast-2, slow-1]
      phase: during
      settle_s: 3
      max_share: 0.10

    - type: traffic_moves          # how long until a fake carries a share again
      provider: [eu-1, eu-2]       # one fake, or a group (a region): their shares summed
      among: [eu-1, eu-2, us-1]
      phase: after
      min_share: 0.6               # of the calls in any window_s-long window
      window_s: 1.0
      within_s: 10
"""

from __future__ import annotations

from pydantic import Field, model_validator

from harness.chaos.hypotheses.base import HypothesisSpec, Verdict, register
from harness.chaos.records import RunData, Sample
from harness.chaos.timescale import TimelineSeconds


def count_at(samples: list[Sample], t: float) -> float:
    """The cumulative count at time ``t``: the last sample taken at or before it."""
    value = samples[0].value if samples else 0.0
    for sample in samples:
        if sample.t > t:
            break
        value = sample.value
    return value


def shares(run: RunData, among: list[str], lo: float, hi: float) -> dict[str, float] | None:
    """Each fake's requests between ``lo`` and ``hi``; None when no fake saw any."""
    counted = {}
    for name in among:
        samples = run.provider_total.get(name, [])
        if len(samples) < 2:
            return None
        counted[name] = max(0.0, count_at(samples, hi) - count_at(samples, lo))
    total = sum(counted.values())
    if total <= 0:
        return None
    return {name: value / total for name, value in counted.items()}


class _TrafficSpec(HypothesisSpec):
    provider: str | list[str]
    among: list[str] = Field(min_length=2)

    @model_validator(mode="after")
    def _provider_among(self) -> _TrafficSpec:
        missing = [name for name in self.group if name not in self.among]
        if missing or not self.group:
            raise ValueError(f"provider {self.provider!r} must be among {self.among}")
        return self

    @property
    def group(self) -> list[str]:
        return [self.provider] if isinstance(self.provider, str) else list(self.provider)

    @property
    def label(self) -> str:
        return "+".join(self.group)

    def share_of(self, found: dict[str, float]) -> float:
        return sum(found[name] for name in self.group)


@register
class TrafficShare(_TrafficSpec):
    kind = "traffic_share"

    settle_s: TimelineSeconds = Field(default=0.0, ge=0, le=600, description="skip this long after it starts")
    max_share: float | None = Field(default=None, ge=0, le=1)
    min_share: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _some_bound(self) -> TrafficShare:
        if self.max_share is None and self.min_share is None:
            raise ValueError("give max_share, min_share, or both")
        return self

    def evaluate(self, run: RunData) -> Verdict:
        lo, hi = run.span(self.phase)
        found = shares(run, self.among, lo + self.settle_s, hi)
        if found is None:
            return self.no_data(f"requests at the fakes {self.among}")
        share = self.share_of(found)
        passed = (self.max_share is None or share <= self.max_share) and (
            self.min_share is None or share >= self.min_share
        )
        bounds = []
        if self.min_share is not None:
            bounds.append(f">= {self.min_share:.0%}")
        if self.max_share is not None:
            bounds.append(f"<= {self.max_share:.0%}")
        spread = ", ".join(f"{name} {value:.1%}" for name, value in found.items())
        return self.verdict(
            passed,
            f"{self.label} took {share:.1%} ({spread})",
            f"share of {self.label} {' and '.join(bounds)}",
            share=round(share, 4),
        )


@register
class TrafficMoves(_TrafficSpec):
    kind = "traffic_moves"

    min_share: float = Field(ge=0, le=1)
    window_s: TimelineSeconds = Field(default=1.0, gt=0, le=60)
    within_s: TimelineSeconds = Field(gt=0, le=600)

    def evaluate(self, run: RunData) -> Verdict:
        lo, hi = run.span(self.phase)
        first = run.provider_total.get(self.group[0], [])
        starts = [s.t for s in first if lo <= s.t <= hi - self.window_s]
        if not starts:
            return self.no_data(f"samples of fake {self.group[0]!r}")
        took: float | None = None
        for start in starts:
            found = shares(run, self.among, start, start + self.window_s)
            if found is not None and self.share_of(found) >= self.min_share:
                # The window's end: only by then do the counters show the share.
                took = start + self.window_s - lo
                break
        expected = f"{self.label} takes >= {self.min_share:.0%} within {self.within_s:g}s"
        if took is None:
            return self.verdict(False, f"{self.label} never took {self.min_share:.0%}", expected)
        return self.verdict(
            took <= self.within_s,
            f"{self.label} took {self.min_share:.0%} after {took:.1f}s",
            expected,
            seconds=round(took, 2),
        )
