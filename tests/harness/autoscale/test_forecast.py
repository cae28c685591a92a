"""Holt and Holt-Winters on synthetic series, cross-checked against statsmodels' recursions."""

from __future__ import annotations

import math

import pytest
from statsmodels.tsa import holtwinters  # type: ignore[import-untyped]

from harness.autoscale.errors import ForecastError
from harness.autoscale.forecast import (
    Smoothing,
    holt,
    holt_initial,
    holt_winters,
    holt_winters_initial,
    mape,
)

PERIOD = 20


def seasonal_series(periods: int, *, trend: float = 0.0) -> list[float]:
    return [30.0 + trend * t + 20.0 * math.sin(2 * math.pi * t / PERIOD) for t in range(periods * PERIOD)]


def test_holt_locks_onto_a_straight_line() -> None:
    line = [5.0 + 2.0 * t for t in range(120)]
    assert holt(line, 3) == pytest.approx([245.0, 247.0, 249.0], abs=1e-3)


def test_holt_winters_forecasts_the_next_season_within_five_percent() -> None:
    series = seasonal_series(4, trend=0.1)
    history, future = series[: 3 * PERIOD], series[3 * PERIOD : 3 * PERIOD + 10]
    assert mape(future, holt_winters(history, 10, PERIOD)) < 5.0
    # Holt has no season: on the same series it misses the turn the season brings.
    assert mape(future, holt(history, 10)) > 3 * mape(future, holt_winters(history, 10, PERIOD))


def test_the_recursions_match_statsmodels_with_the_same_constants_and_initial_states() -> None:
    series = seasonal_series(3, trend=0.2)
    smoothing = Smoothing(level=0.4, trend=0.2, season=0.3)
    level, trend = holt_initial(series)
    reference = holtwinters.Holt(
        series, initialization_method="known", initial_level=level, initial_trend=trend
    ).fit(smoothing_level=0.4, smoothing_trend=0.2, optimized=False)
    assert holt(series, 5, smoothing) == pytest.approx(list(reference.forecast(5)), rel=1e-9)
    level, trend, seasonal = holt_winters_initial(series, PERIOD)
    reference_hw = holtwinters.ExponentialSmoothing(
        series,
        trend="add",
        seasonal="add",
        seasonal_periods=PERIOD,
        initialization_method="known",
        initial_level=level,
        initial_trend=trend,
        initial_seasonal=seasonal,
    ).fit(smoothing_level=0.4, smoothing_trend=0.2, smoothing_seasonal=0.3, optimized=False)
    # Horizons shorter than a season (the scaler's case); at h = period statsmodels
    # picks its season term differently.
    assert holt_winters(series, 15, PERIOD, smoothing) == pytest.approx(
        list(reference_hw.forecast(15)), rel=1e-9
    )


def test_too_little_history_is_refused_with_the_reason() -> None:
    with pytest.raises(ForecastError, match="needs at least 3 samples, has 2"):
        holt([1.0, 2.0], 1)
    with pytest.raises(ForecastError, match="needs 21 samples, has 20"):
        holt_winters([1.0] * 20, 1, PERIOD)
    with pytest.raises(ForecastError, match="must be in"):
        Smoothing(level=1.0)


def test_mape_floors_idle_samples_instead_of_dividing_by_zero() -> None:
    assert mape([0.0, 10.0], [1.0, 9.0]) == pytest.approx(100.0 * (1.0 + 0.1) / 2)
    with pytest.raises(ForecastError):
        mape([], [])
