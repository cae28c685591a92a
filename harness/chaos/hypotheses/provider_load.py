"""``provider_load``: what a fake provider saw stays bounded (retry storms, thundering herds).

From the fake's own counters, sampled four times a second: the peak number of requests
in flight at the provider, and the peak request rate over any ``window_s`` in the phase.
A server that honours Retry-After and lets one probe through a half-open breaker keeps
both low; one that retries blindly or releases every waiting caller at once does not.

    - type: provider_load
      provider: openai
      phase: fault           # from the fault's start to its end
      settle_s: 2            # skip the calls already in flight when it began
      max_in_flight: 3
      max_requests_per_s: 10
"""

from __future__ import annotations

from pydantic import Field, model_validator

from harness.chaos.hypotheses.base import HypothesisSpec, Verdict, register
from harness.chaos.records import RunData, Sample
from harness.chaos.timescale import TimelineSeconds


def peak_rate(samples: list[Sample], window_s: float) -> float:
    """Largest (requests added) / window over windows of at least ``window_s``."""
    best = 0.0
    j = 0
    for i, sample in enumerate(samples):
        while j < i and sample.t - samples[j + 1].t >= window_s:
            j += 1
        span = sample.t - samples[j].t
        if span >= window_s:
            best = max(best, (sample.value - samples[j].value) / span)
    return best


@register
class ProviderLoad(HypothesisSpec):
    kind = "provider_load"

    provider: str
    max_in_flight: int | None = Field(default=None, ge=0)
    max_requests_per_s: float | None = Field(default=None, gt=0)
    window_s: float = Field(default=1.0, gt=0, le=60)
    settle_s: TimelineSeconds = Field(default=0.0, ge=0, le=600, description="skip this long after it starts")

    @model_validator(mode="after")
    def _some_bound(self) -> ProviderLoad:
        if self.max_in_flight is None and self.max_requests_per_s is None:
            raise ValueError("give max_in_flight, max_requests_per_s, or both")
        return self

    def evaluate(self, run: RunData) -> Verdict:
        lo, hi = run.span(self.phase)
        lo += self.settle_s  # e.g. the calls already in flight when the fault began
        flight = [s for s in run.provider_in_flight.get(self.provider, []) if lo <= s.t <= hi]
        totals = [s for s in run.provider_total.get(self.provider, []) if lo <= s.t <= hi]
        if len(flight) < 2 or len(totals) < 2:
            return self.no_data(f"samples of provider {self.provider!r}")
        peak_flight = int(max(s.value for s in flight))
        rate = peak_rate(totals, self.window_s)
        passed = (self.max_in_flight is None or peak_flight <= self.max_in_flight) and (
            self.max_requests_per_s is None or rate <= self.max_requests_per_s
        )
        bounds = []
        if self.max_in_flight is not None:
            bounds.append(f"in flight <= {self.max_in_flight}")
        if self.max_requests_per_s is not None:
            bounds.append(f"<= {self.max_requests_per_s:g} req/s")
        return self.verdict(
            passed,
            f"peak {peak_flight} in flight, peak {rate:.1f} req/s over {self.window_s:g}s",
            ", ".join(bounds),
            peak_in_flight=peak_flight,
            peak_requests_per_s=round(rate, 2),
        )
