"""``provider_retries``: how the server retried, judged at the provider from its per-request log.

A retry resends the same request body (each load prompt carries a unique marker, so two
different calls never share a body). For every request the fake answered with one of
``statuses``, the next request with the same body is its retry:

- ``min_gap_s`` set (429 with Retry-After): the retry must arrive at least that long after
  the refused request did (per-request spacing, not a rate cap that a blind retrier can pass);
- ``min_gap_s`` unset (400/401/404, permanent errors): there must be no retry at all, each
  call reaches the provider exactly once.

    - {type: provider_retries, provider: openai, statuses: [429], min_gap_s: 1}
    - {type: provider_retries, provider: openai, statuses: [400, 401, 404]}
"""

from __future__ import annotations

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Phase, Verdict, register
from harness.chaos.records import ProviderRequest, RunData


def retries_of(
    requests: list[ProviderRequest], statuses: set[int], span: tuple[float, float]
) -> tuple[int, list[float | None]]:
    """(requests answered with ``statuses`` that arrived in ``span``, the gap to each one's
    retry: None when never retried)."""
    by_body: dict[str, list[ProviderRequest]] = {}
    for request in sorted(requests, key=lambda r: r.t if r.t is not None else 0.0):
        by_body.setdefault(request.body, []).append(request)
    refused = 0
    gaps: list[float | None] = []
    for sent in by_body.values():
        for i, request in enumerate(sent):
            if request.status not in statuses or request.t is None:
                continue
            if not span[0] <= request.t < span[1]:
                continue
            refused += 1
            after = sent[i + 1] if i + 1 < len(sent) else None
            if after is None or after.t is None:
                gaps.append(None)
            else:
                gaps.append(after.t - request.t)
    return refused, gaps


@register
class ProviderRetries(HypothesisSpec):
    kind = "provider_retries"

    provider: str
    phase: Phase = "run"
    statuses: list[int] = Field(min_length=1)
    min_gap_s: float | None = Field(default=None, gt=0, le=600)

    def title(self) -> str:
        return self.name or f"provider_retries ({self.provider}: {self.statuses})"

    def evaluate(self, run: RunData) -> Verdict:
        if not run.provider_bodies_recorded:
            return self.no_data("provider request log")
        mine = [r for r in run.provider_requests if r.provider == self.provider]
        refused, gaps = retries_of(mine, set(self.statuses), run.span(self.phase))
        if refused == 0:
            return self.no_data(f"request answered {self.statuses} by {self.provider}")
        retried = [g for g in gaps if g is not None]
        if self.min_gap_s is None:
            return self.verdict(
                not retried,
                f"{len(retried)} of {refused} refused requests sent again",
                "each reaches the provider exactly once",
                refused=refused,
                retried=len(retried),
            )
        early = [g for g in retried if g < self.min_gap_s]
        shortest = min(retried) if retried else None
        return self.verdict(
            not early,
            f"{len(early)} of {len(retried)} retries early"
            + (f" (shortest gap {shortest * 1000:.0f} ms)" if shortest is not None else ""),
            f"every retry at least {self.min_gap_s:g} s after the refusal",
            refused=refused,
            retried=len(retried),
            early=len(early),
            shortest_gap_ms=None if shortest is None else round(shortest * 1000, 1),
        )
