"""The router: for one model, the order in which its deployments are tried.

``order(model)`` answers with every deployment serving the model, best first:

1. Usable ones (not ejected, not cooling after a 429, not over their quota). When none is
   usable, all of them: a model is never left with nothing to try.
2. Locality (Envoy's locality failover): with ZEN_REGION set, the local region's usable
   deployments take all traffic while its healthy share (by weight) times the
   overprovisioning factor (1.4) is at least 1; below that, the rest spills to the other
   regions in proportion, and with no healthy local deployment everything goes remote.
   When the local ones heal, traffic comes back by the same rule.
3. Within a tier, the strategy ranks (see ``strategies``); the tiers follow each other,
   then the unusable deployments, as the last resort of the failover.

The gateway reports each attempt (``started`` / ``finished``); a failure may eject the
deployment (see ``health``), but never more than ``max_ejection_percent`` of a model's
deployments at once (at least one may go, never all).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from zen_server.providers.routing.deployments import Deployment
from zen_server.providers.routing.health import DeploymentHealth, EjectionPolicy
from zen_server.providers.routing.strategies import StrategyName, strategy_named
from zen_server.resilience.clock import Clock, monotonic

OVERPROVISIONING = 1.4


@dataclass(frozen=True, slots=True)
class DeploymentView:
    """One deployment's figures for /metrics and the dashboard."""

    name: str
    region: str
    kind: str
    requests: int
    failures: int
    in_flight: int
    ewma_latency_s: float
    ejections: int
    ejected: bool
    cooling: bool


class Router:
    def __init__(
        self,
        deployments: Sequence[Deployment],
        *,
        strategy: StrategyName = "lowest_latency",
        region: str | None = None,
        policy: EjectionPolicy | None = None,
        clock: Clock = monotonic,
        rng: random.Random | None = None,
        decay_s: float = 10.0,
    ) -> None:
        self.strategy_name = strategy
        self._strategy = strategy_named(strategy)
        self.region = region.lower() if region else None
        self._clock = clock
        self._rng = rng or random.Random()
        rules = policy or EjectionPolicy()
        self._health = {d.name: DeploymentHealth(d, rules, decay_s=decay_s) for d in deployments}
        self._policy = rules
        self._by_model: dict[str, list[DeploymentHealth]] = {}
        for health in self._health.values():
            for model in health.deployment.models:
                self._by_model.setdefault(model, []).append(health)

    # --- choice -----------------------------------------------------------------------
    def serves(self, model: str) -> bool:
        return model.lower() in self._by_model

    def deployments(self) -> list[Deployment]:
        return [h.deployment for h in self._health.values()]

    def order(self, model: str) -> list[Deployment]:
        every = self._by_model.get(model.lower(), [])
        now = self._clock()
        usable = [h for h in every if h.available(now)] or [h for h in every if not h.ejected(now)] or every
        ranked: list[DeploymentHealth] = []
        for tier in self._tiers(every, usable):
            ranked += self._strategy(tier, now, self._rng)
        ranked += [h for h in every if h not in ranked]
        return [h.deployment for h in ranked]

    def _tiers(
        self, every: list[DeploymentHealth], usable: list[DeploymentHealth]
    ) -> list[list[DeploymentHealth]]:
        if self.region is None:
            return [usable]
        local = [h for h in usable if h.deployment.region == self.region]
        remote = [h for h in usable if h.deployment.region != self.region]
        if not local or not remote:
            return [tier for tier in (local, remote) if tier]
        local_weight = sum(h.deployment.weight for h in every if h.deployment.region == self.region)
        healthy_share = sum(h.deployment.weight for h in local) / local_weight
        local_share = min(1.0, healthy_share * OVERPROVISIONING)
        return [local, remote] if self._rng.random() < local_share else [remote, local]

    # --- outcomes ---------------------------------------------------------------------
    def started(self, deployment: str) -> None:
        self._health[deployment].started(self._clock())

    def cool(self, deployment: str, seconds: float) -> None:
        """Leave ``deployment`` out for ``seconds`` (unless every deployment is cooling)."""
        self._health[deployment].cool(self._clock() + seconds)

    def finished(
        self,
        deployment: str,
        *,
        ok: bool,
        latency_s: float,
        retry_after: float | None = None,
        tokens: int = 0,
    ) -> float | None:
        """Record one attempt's end; returns the ejection's length when it ejected the deployment."""
        now = self._clock()
        health = self._health[deployment]
        health.finished(now, ok=ok, latency_s=latency_s, retry_after=retry_after)
        health.used_tokens(now, tokens)
        if ok or not health.should_eject(now) or not self._may_eject(health, now):
            return None
        return health.eject(now)

    def _may_eject(self, health: DeploymentHealth, now: float) -> bool:
        """Within every model it serves, the cap on ejected deployments still allows one more."""
        for model in health.deployment.models:
            peers = self._by_model[model]
            ejected = sum(1 for h in peers if h.ejected(now))
            cap = max(1, math.floor(len(peers) * self._policy.max_ejection_percent / 100.0))
            if ejected + 1 > cap or ejected + 1 >= len(peers):
                return False
        return True

    # --- views ------------------------------------------------------------------------
    def views(self) -> list[DeploymentView]:
        return [self.view(name) for name in self._health]

    def view(self, deployment: str) -> DeploymentView:
        now = self._clock()
        h = self._health[deployment]
        return DeploymentView(
            name=h.deployment.name,
            region=h.deployment.region,
            kind=h.deployment.kind,
            requests=h.requests,
            failures=h.failures,
            in_flight=h.in_flight,
            ewma_latency_s=h.latency(now),
            ejections=h.ejections,
            ejected=h.ejected(now),
            cooling=h.cooling(now),
        )
