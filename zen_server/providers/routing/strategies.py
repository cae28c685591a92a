"""Routing strategies: how one deployment is picked among the healthy ones of a tier.

A strategy ranks candidates: the first is tried, the rest are the failover order.

- ``weighted_shuffle``: a weighted random order (each next pick drawn by weight); blind to
  load and latency, the baseline LiteLLM's "simple-shuffle" is.
- ``least_request``: Envoy's least request with power-of-two choices: two candidates drawn
  by weight, the one with fewer requests in flight per unit of weight goes first.
- ``peak_ewma``: power-of-two choices on peak-EWMA latency x (in flight + 1) / weight, so a
  slow deployment's cost grows with the load it holds (Finagle's and linkerd's balancer).
- ``lowest_latency``: LiteLLM's latency-based routing: the lowest peak-EWMA latency first,
  drawn by weight among those within ``LATENCY_BUFFER`` of the lowest; load is ignored, so
  it suits endpoints whose latency does not grow with the load this instance sends. The
  peak-EWMA still sees a slowdown on its first slow reply, and an idle deployment's
  estimate decays so it is probed again, one request at a time.

Each takes the random source, so a seeded ``random.Random`` makes a run repeat exactly.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Literal

from zen_server.providers.routing.health import DeploymentHealth

StrategyName = Literal["lowest_latency", "peak_ewma", "least_request", "weighted_shuffle"]
STRATEGIES: tuple[StrategyName, ...] = ("lowest_latency", "peak_ewma", "least_request", "weighted_shuffle")
LATENCY_BUFFER = 0.1  # within 10% of the lowest latency counts as equally fast
Strategy = Callable[[Sequence[DeploymentHealth], float, random.Random], list[DeploymentHealth]]


def weighted_shuffle(
    candidates: Sequence[DeploymentHealth], now: float, rng: random.Random
) -> list[DeploymentHealth]:
    del now
    left = list(candidates)
    order: list[DeploymentHealth] = []
    while left:
        pick = _draw(left, rng)
        order.append(pick)
        left.remove(pick)
    return order


def least_request(
    candidates: Sequence[DeploymentHealth], now: float, rng: random.Random
) -> list[DeploymentHealth]:
    del now
    return _two_choices(candidates, rng, lambda h: (h.in_flight + 1) / h.deployment.weight)


def peak_ewma(
    candidates: Sequence[DeploymentHealth], now: float, rng: random.Random
) -> list[DeploymentHealth]:
    return _two_choices(
        candidates, rng, lambda h: max(h.latency(now), 1e-6) * (h.in_flight + 1) / h.deployment.weight
    )


def lowest_latency(
    candidates: Sequence[DeploymentHealth], now: float, rng: random.Random
) -> list[DeploymentHealth]:
    if len(candidates) <= 1:
        return list(candidates)
    # Ties (all unknown at a cold start) go to the one with fewer requests in flight.
    by_latency = sorted(candidates, key=lambda h: (h.probe_latency(now), h.in_flight))
    best = by_latency[0].probe_latency(now)
    if math.isinf(best):
        return by_latency
    close = [h for h in by_latency if h.probe_latency(now) <= best * (1 + LATENCY_BUFFER)]
    pick = _draw(close, rng) if len(close) > 1 else close[0]
    return [pick, *(h for h in by_latency if h is not pick)]


def strategy_named(name: StrategyName) -> Strategy:
    found: dict[StrategyName, Strategy] = {
        "lowest_latency": lowest_latency,
        "weighted_shuffle": weighted_shuffle,
        "least_request": least_request,
        "peak_ewma": peak_ewma,
    }
    return found[name]


def _two_choices(
    candidates: Sequence[DeploymentHealth], rng: random.Random, cost: Callable[[DeploymentHealth], float]
) -> list[DeploymentHealth]:
    """The cheaper of two weighted draws first, then the rest by cost (the failover order)."""
    if len(candidates) <= 1:
        return list(candidates)
    first = _draw(candidates, rng)
    second = _draw([c for c in candidates if c is not first], rng)
    pick = first if cost(first) <= cost(second) else second
    rest = sorted((c for c in candidates if c is not pick), key=cost)
    return [pick, *rest]


def _draw(candidates: Sequence[DeploymentHealth], rng: random.Random) -> DeploymentHealth:
    total = sum(c.deployment.weight for c in candidates)
    point = rng.random() * total
    for candidate in candidates:
        point -= candidate.deployment.weight
        if point < 0:
            return candidate
    return candidates[-1]
