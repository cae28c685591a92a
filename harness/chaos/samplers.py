"""Periodic samples taken while a scenario runs: calls in flight, target RSS, provider load.

One task, a fixed period, every sample stamped with seconds since t0. A sample that cannot
be taken (target down, fake busy) is skipped, never fatal.
"""

from __future__ import annotations

import anyio

from harness.chaos.environment import FakeProviders
from harness.chaos.environment.factory import RunTarget
from harness.chaos.errors import ActionError
from harness.chaos.load import LoadRecorder
from harness.chaos.records import Sample
from harness.sampling import sample_every

PERIOD_S = 0.25


class Samplers:
    def __init__(
        self, recorder: LoadRecorder, target: RunTarget, providers: FakeProviders, names: list[str]
    ) -> None:
        self._rec = recorder
        self._target = target
        self._providers = providers
        self._names = names
        self.in_flight: list[Sample] = []
        self.rss_mb: list[Sample] = []
        self.provider_in_flight: dict[str, list[Sample]] = {name: [] for name in names}
        self.provider_total: dict[str, list[Sample]] = {name: [] for name in names}
        self._tick = 0

    async def run(self, until: float) -> None:
        """Sample every PERIOD_S until ``until`` (seconds since t0)."""
        await sample_every(PERIOD_S, self._sample, until=lambda: self._rec.now() >= until)

    async def _sample(self) -> None:
        t = self._rec.now()
        self.in_flight.append(Sample(t, float(self._rec.in_flight)))
        if self._tick % 2 == 0:  # RSS every other tick: reading a process tree costs more
            rss = await anyio.to_thread.run_sync(self._target.rss_mb)
            if rss is not None:
                self.rss_mb.append(Sample(t, rss))
        for name in self._names:
            try:
                stats = await self._providers.stats(name)
            except ActionError:
                continue
            self.provider_in_flight[name].append(Sample(t, float(stats.get("in_flight", 0))))
            self.provider_total[name].append(Sample(t, float(stats.get("requests", 0))))
        self._tick += 1
