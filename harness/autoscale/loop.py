"""The closed loop: every tick, read the instances, recommend, stabilise, scale.

One tick: scrape every running instance (harness/autoscale/signals.py); on any failure keep
the count and log why. Otherwise append the cluster's demand to the history, compute both
strategies' recommendations (both exported; the chosen one acts), pass the chosen one
through the HPA-like stabiliser, and start scaling in the background when the count should
change (ticks continue meanwhile; a second change waits for the first to finish).
Each tick is kept as a :class:`Tick` row for the evaluation's report and plot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Protocol

import httpx

from harness.autoscale.errors import SignalError
from harness.autoscale.exporter import ScalerExporter
from harness.autoscale.recommend import Policy, Recommendation, Strategy, recommend
from harness.autoscale.signals import scrape
from harness.autoscale.stabilise import Stabiliser
from harness.errors import HarnessError

log = logging.getLogger("zen.autoscale")
HISTORY_SAMPLES = 600


class Scalable(Protocol):
    """What the loop acts on: harness/autoscale/elastic.py's ElasticCluster."""

    @property
    def replicas(self) -> int: ...

    def endpoints(self) -> list[tuple[str, str]]: ...

    async def scale_to(self, replicas: int) -> None: ...


@dataclass(frozen=True, slots=True)
class LoopSettings:
    strategy: Strategy
    policy: Policy
    interval_s: float = 1.0
    up_window_s: float = 0.0  # the HPA's defaults: up at once, down after 5 min (shortened here)
    down_window_s: float = 30.0


@dataclass(frozen=True, slots=True)
class Tick:
    t: float
    replicas: int
    demand: float | None
    capacity: float | None  # concurrent calls the running replicas serve at target utilisation
    forecast: float | None
    at_horizon: float | None  # the point forecast for now + horizon, scored against what came
    recommended: int
    shed: float | None
    reason: str


class ScalingLoop:
    def __init__(self, cluster: Scalable, settings: LoopSettings, exporter: ScalerExporter) -> None:
        self.cluster = cluster
        self.settings = settings
        self.exporter = exporter
        self.history: deque[float] = deque(maxlen=HISTORY_SAMPLES)
        self.ticks: list[Tick] = []
        self._stabiliser = Stabiliser(up_window_s=settings.up_window_s, down_window_s=settings.down_window_s)
        self._scaling: asyncio.Task[None] | None = None
        self._started = time.monotonic()

    async def run(self, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient() as client:
            while not stop.is_set():
                await self.tick(client)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.interval_s)
        if self._scaling is not None:
            await asyncio.gather(self._scaling, return_exceptions=True)

    async def tick(self, client: httpx.AsyncClient) -> None:
        now = time.monotonic() - self._started
        current = self.cluster.replicas
        try:
            sample = await scrape(client, self.cluster.endpoints())
        except SignalError as exc:
            self._hold(now, current, f"keeping {current}: {exc}")
            return
        self.history.append(sample.demand)
        history = list(self.history)
        policy = self.settings.policy
        capacity = sample.capacity_per_instance
        recs = [recommend(s, sample.instances, history, capacity, policy) for s in ("reactive", "predictive")]
        self.exporter.record(current, recs)
        chosen = next(r for r in recs if r.strategy == self.settings.strategy)
        decided = self._stabiliser.decide(now, current, chosen.replicas)
        self._record(now, current, sample.demand, capacity, recs, chosen, sample.shed)
        if decided != current and (self._scaling is None or self._scaling.done()):
            log.info("scaling %d -> %d (%s: %s)", current, decided, chosen.strategy, chosen.reason)
            self._scaling = asyncio.create_task(self._scale(decided))

    async def _scale(self, replicas: int) -> None:
        try:
            await self.cluster.scale_to(replicas)
        except HarnessError as exc:
            log.warning("scaling to %d failed, keeping %d: %s", replicas, self.cluster.replicas, exc)

    def _hold(self, now: float, current: int, reason: str) -> None:
        log.warning("%s", reason)
        self.exporter.hold(current)
        self.ticks.append(Tick(now, current, None, None, None, None, current, None, reason))

    def _record(
        self,
        now: float,
        current: int,
        demand: float,
        capacity: float,
        recs: list[Recommendation],
        chosen: Recommendation,
        shed: float,
    ) -> None:
        ahead = next(r for r in recs if r.strategy == "predictive")
        served = current * capacity * self.settings.policy.target_utilisation
        self.ticks.append(
            Tick(
                now,
                current,
                demand,
                served,
                ahead.forecast,
                ahead.at_horizon,
                chosen.replicas,
                shed,
                chosen.reason,
            )
        )


__all__ = ["LoopSettings", "Scalable", "ScalingLoop", "Tick"]
