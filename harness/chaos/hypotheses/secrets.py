"""``no_secrets``: planted keys never show in what the target exposes.

The scenario plants keys (its provider key, keys in prompts or in a provider's error message)
and lists them; the verdict scans every source the run gathered (``harness.chaos.exposure``):
the target's log, its audit file, its ops routes, the replies the load received, and the
request bodies its providers received. A listed source that was not gathered is red: a
verdict that cannot see the audit file must not pass for it.

    - type: no_secrets
      secrets: ["sk-zen-harness-fake-key"]
      sources: [log, audit, ops, replies, provider_requests]
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from harness.chaos.hypotheses.base import HypothesisSpec, Phase, Verdict, register
from harness.chaos.records import RunData

Source = Literal["log", "audit", "ops", "replies", "provider_requests"]
ALL_SOURCES: tuple[Source, ...] = ("log", "audit", "ops", "replies", "provider_requests")


@register
class NoSecrets(HypothesisSpec):
    kind = "no_secrets"

    phase: Phase = "run"
    secrets: list[str] = Field(min_length=1)
    sources: list[Source] = Field(default=list(ALL_SOURCES), min_length=1)

    def _texts(self, run: RunData, source: Source) -> list[str] | None:
        if source == "provider_requests":
            return [r.body for r in run.provider_requests] if run.provider_bodies_recorded else None
        if source == "ops":
            found = [text for name, text in run.exposed.items() if name.startswith("ops:")]
            return found or None
        return [run.exposed[source]] if source in run.exposed else None

    def evaluate(self, run: RunData) -> Verdict:
        planted = [s for s in self.secrets if len(s) >= 8]
        if len(planted) != len(self.secrets):
            return self.verdict(False, "a secret shorter than 8 characters", "secrets of 8+ characters")
        leaks: dict[str, int] = {}
        unseen: list[str] = []
        for source in self.sources:
            texts = self._texts(run, source)
            if texts is None:
                unseen.append(source)
                continue
            count = sum(text.count(secret) for text in texts for secret in planted)
            if count:
                leaks[source] = count
        if unseen:
            return self.no_data(f"source(s) {', '.join(unseen)} to scan")
        observed = ", ".join(f"{n} in {source}" for source, n in leaks.items()) or "none found"
        return self.verdict(
            not leaks,
            observed,
            f"no planted key in {', '.join(self.sources)}",
            leaked=sum(leaks.values()),
            sources=len(self.sources),
        )
