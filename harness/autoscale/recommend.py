"""Replica recommendations: the reactive HPA formula, and forecasts of demand a horizon ahead.

Demand is the cluster's concurrent calls (running + queued, summed over instances); one
replica serves ``capacity x target_utilisation`` of it. Reactive is the Kubernetes HPA rule,
desired = ceil(current x utilisation / target) with its 10% tolerance, i.e. sized for the
demand now. Predictive sizes for the highest forecast over the look-ahead horizon (Holt-
Winters once a season of history is held, Holt's trend before that), and never below what
the present demand needs: a forecast may add capacity early, never remove it early.

Any input the rule cannot trust (no capacity, too little history, a bad forecast) gives
the current count back with the reason; every answer is clamped to [min, max], min >= 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from harness.autoscale.errors import ForecastError
from harness.autoscale.forecast import (
    HOLT_MIN_HISTORY,
    Smoothing,
    holt,
    holt_winters,
    holt_winters_min_history,
)

Strategy = Literal["reactive", "predictive"]
STRATEGIES: tuple[Strategy, ...] = ("reactive", "predictive")
HPA_TOLERANCE = 0.1  # the HPA's default: no change while |utilisation / target - 1| <= 0.1


@dataclass(frozen=True, slots=True)
class Bounds:
    minimum: int
    maximum: int

    def __post_init__(self) -> None:
        if self.minimum < 1:
            raise ForecastError(f"--min must be at least 1 (never scale to zero), not {self.minimum}")
        if self.maximum < self.minimum:
            raise ForecastError(f"--max ({self.maximum}) is below --min ({self.minimum})")

    def clamp(self, replicas: int) -> int:
        return max(self.minimum, min(self.maximum, replicas))


@dataclass(frozen=True, slots=True)
class Policy:
    bounds: Bounds
    target_utilisation: float = 0.7
    horizon_steps: int = 10  # look-ahead, in samples: instance start + scrape + stabilisation
    season_steps: int | None = None  # the load's period in samples, when it has one
    smoothing: Smoothing = field(default_factory=Smoothing)


@dataclass(frozen=True, slots=True)
class Recommendation:
    strategy: Strategy
    replicas: int
    reason: str
    forecast: float | None = None  # the demand the count was sized for, when forecast
    at_horizon: float | None = None  # the point forecast for the last step of the horizon (for MAPE)


def reactive(current: int, demand: float, capacity: float, policy: Policy) -> Recommendation:
    """desired = ceil(current x utilisation / target), utilisation = demand / (current x capacity)."""
    if current < 1 or capacity <= 0:
        keep = policy.bounds.clamp(max(current, 1))
        return Recommendation("reactive", keep, f"keeping {keep}: no ready instance reports a capacity")
    utilisation = demand / (current * capacity)
    ratio = utilisation / policy.target_utilisation
    if abs(ratio - 1.0) <= HPA_TOLERANCE:
        return Recommendation(
            "reactive", policy.bounds.clamp(current), f"utilisation {utilisation:.2f} within tolerance"
        )
    desired = policy.bounds.clamp(math.ceil(current * ratio - 1e-9))
    return Recommendation(
        "reactive", desired, f"utilisation {utilisation:.2f} vs target {policy.target_utilisation}"
    )


def predictive(current: int, history: Sequence[float], capacity: float, policy: Policy) -> Recommendation:
    """Sized for the highest demand forecast within the horizon, and at least for the demand now."""
    keep = policy.bounds.clamp(max(current, 1))
    if current < 1 or capacity <= 0:
        return Recommendation("predictive", keep, f"keeping {keep}: no ready instance reports a capacity")
    if len(history) < HOLT_MIN_HISTORY:
        return Recommendation(
            "predictive",
            keep,
            f"keeping {keep}: {len(history)} samples, the forecast needs {HOLT_MIN_HISTORY}",
        )
    season = policy.season_steps
    try:
        if season is not None and len(history) >= holt_winters_min_history(season):
            ahead = holt_winters(history, policy.horizon_steps, season, policy.smoothing)
            method = "holt-winters"
        else:
            ahead = holt(history, policy.horizon_steps, policy.smoothing)
            method = "holt"
    except ForecastError as exc:
        return Recommendation("predictive", keep, f"keeping {keep}: {exc}")
    peak = max(max(ahead), history[-1], 0.0)
    if not math.isfinite(peak):
        return Recommendation("predictive", keep, f"keeping {keep}: the forecast is not a number")
    per_replica = capacity * policy.target_utilisation
    desired = policy.bounds.clamp(max(1, math.ceil(peak / per_replica - 1e-9)))
    return Recommendation(
        "predictive", desired, f"{method}: peak demand {peak:.1f} within the horizon", peak, ahead[-1]
    )


def recommend(
    strategy: Strategy, current: int, history: Sequence[float], capacity: float, policy: Policy
) -> Recommendation:
    if strategy == "reactive":
        if not history:
            keep = policy.bounds.clamp(max(current, 1))
            return Recommendation("reactive", keep, f"keeping {keep}: no demand sample yet")
        return reactive(current, history[-1], capacity, policy)
    return predictive(current, history, capacity, policy)


__all__ = [
    "STRATEGIES",
    "Bounds",
    "Policy",
    "Recommendation",
    "Strategy",
    "predictive",
    "reactive",
    "recommend",
]
