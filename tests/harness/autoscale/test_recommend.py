"""Recommendations: the HPA formula, forecasts a horizon ahead, and bad input keeping the count."""

from __future__ import annotations

import math

import pytest

from harness.autoscale.errors import ForecastError
from harness.autoscale.recommend import Bounds, Policy, predictive, reactive, recommend
from harness.autoscale.stabilise import Stabiliser

POLICY = Policy(Bounds(1, 6), target_utilisation=0.5, horizon_steps=5)


def test_reactive_is_the_hpa_formula() -> None:
    # 2 replicas of capacity 10 with 18 concurrent calls: utilisation 0.9, target 0.5 -> ceil(2 x 1.8) = 4.
    assert reactive(2, 18.0, 10.0, POLICY).replicas == 4
    assert reactive(2, 10.5, 10.0, POLICY).replicas == 2  # ratio 1.05: inside the 10% tolerance
    assert reactive(4, 1.0, 10.0, POLICY).replicas == 1
    assert reactive(2, 500.0, 10.0, POLICY).replicas == 6  # clamped to max


def test_predictive_adds_capacity_before_a_ramp_arrives() -> None:
    ramp = [2.0 * t for t in range(10)]  # demand climbing 2 calls per sample, 18 now
    ahead = predictive(2, ramp, 10.0, POLICY)
    now = reactive(2, ramp[-1], 10.0, POLICY)
    assert ahead.forecast is not None and ahead.forecast > ramp[-1]
    assert ahead.replicas > now.replicas
    assert ahead.reason.startswith("holt:")


def test_predictive_uses_the_season_once_it_has_one() -> None:
    period = 12
    cycle = [10.0 + 8.0 * math.sin(2 * math.pi * t / period) for t in range(2 * period)]
    policy = Policy(Bounds(1, 6), target_utilisation=0.5, horizon_steps=3, season_steps=period)
    assert predictive(2, cycle, 10.0, policy).reason.startswith("holt-winters:")
    assert predictive(2, cycle[:period], 10.0, policy).reason.startswith("holt:")


def test_predictive_never_sizes_below_the_demand_now() -> None:
    falling = [40.0 - 4.0 * t for t in range(8)]  # 12 calls now, forecast to reach zero
    assert predictive(3, falling, 10.0, POLICY).replicas == math.ceil(12 / 5)


@pytest.mark.parametrize(
    ("current", "history", "capacity", "why"),
    [
        (3, [5.0, 6.0], 10.0, "2 samples, the forecast needs 3"),
        (3, [5.0, 6.0, 7.0], 0.0, "no ready instance reports a capacity"),
        (0, [5.0, 6.0, 7.0], 10.0, "no ready instance reports a capacity"),
        (3, [5.0, float("inf"), 7.0], 10.0, "not a number"),
    ],
)
def test_bad_input_keeps_the_current_count_and_says_why(
    current: int, history: list[float], capacity: float, why: str
) -> None:
    answer = predictive(current, history, capacity, POLICY)
    assert answer.replicas == max(current, 1)
    assert why in answer.reason


def test_reactive_without_a_sample_keeps_the_count() -> None:
    answer = recommend("reactive", 3, [], 10.0, POLICY)
    assert (answer.replicas, answer.reason) == (3, "keeping 3: no demand sample yet")


def test_bounds_never_allow_zero_or_an_inverted_range() -> None:
    with pytest.raises(ForecastError, match="never scale to zero"):
        Bounds(0, 3)
    with pytest.raises(ForecastError, match="below --min"):
        Bounds(4, 3)
    assert predictive(1, [0.0, 0.0, 0.0, 0.0], 10.0, POLICY).replicas == 1


def test_stabiliser_scales_up_on_agreement_and_down_only_after_the_window() -> None:
    stable = Stabiliser(up_window_s=2.0, down_window_s=10.0)
    assert stable.decide(0.0, 2, 2) == 2
    assert stable.decide(1.0, 2, 5) == 2  # the window still holds a 2
    assert stable.decide(3.5, 2, 5) == 5  # every recommendation of the last 2 s says 5
    assert stable.decide(4.0, 5, 1) == 5  # a 5 within the last 10 s
    assert stable.decide(14.0, 5, 1) == 1  # ten seconds of 1s: down
