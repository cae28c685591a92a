"""Exponential smoothing forecasts: Holt's linear trend and additive Holt-Winters.

Written here rather than taken from statsmodels because the scaler refits every tick (each
second) on a sliding window: a closed-form recursion with fixed smoothing constants costs
microseconds, is deterministic, and keeps statsmodels/scipy (seconds of import, an
optimiser per fit) out of the loop. tests/harness/autoscale cross-checks both recursions
against statsmodels' ExponentialSmoothing with the same constants and initial states.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.autoscale.errors import ForecastError


@dataclass(frozen=True, slots=True)
class Smoothing:
    # Damped on purpose: the demand signal is a once-a-second count of calls in flight, noisy
    # at small numbers; a livelier trend term extrapolates that noise across the horizon.
    level: float = 0.3
    trend: float = 0.1
    season: float = 0.3

    def __post_init__(self) -> None:
        for name in ("level", "trend", "season"):
            value = getattr(self, name)
            if not 0.0 < value < 1.0:
                raise ForecastError(f"smoothing {name} must be in (0, 1), not {value}")


HOLT_MIN_HISTORY = 3


def holt(series: Sequence[float], horizon: int, smoothing: Smoothing | None = None) -> list[float]:
    """Forecasts for steps 1..horizon after the last value of ``series``."""
    if len(series) < HOLT_MIN_HISTORY:
        raise ForecastError(f"Holt needs at least {HOLT_MIN_HISTORY} samples, has {len(series)}")
    if horizon < 1:
        raise ForecastError(f"horizon must be at least 1 step, not {horizon}")
    level, trend = holt_initial(series)
    smoothing = smoothing or Smoothing()
    a, b = smoothing.level, smoothing.trend
    for value in series:
        previous = level
        level = a * value + (1 - a) * (level + trend)
        trend = b * (level - previous) + (1 - b) * trend
    return [level + h * trend for h in range(1, horizon + 1)]


def holt_initial(series: Sequence[float]) -> tuple[float, float]:
    return float(series[0]), float(series[1] - series[0])


def holt_winters_min_history(period: int) -> int:
    """One full season to seed the seasonal terms, plus one more to start the trend."""
    return period + 1


def holt_winters(
    series: Sequence[float], horizon: int, period: int, smoothing: Smoothing | None = None
) -> list[float]:
    """Additive Holt-Winters forecasts for steps 1..horizon; ``period`` is in samples."""
    if period < 2:
        raise ForecastError(f"season period must be at least 2 samples, not {period}")
    needed = holt_winters_min_history(period)
    if len(series) < needed:
        raise ForecastError(
            f"Holt-Winters with a {period}-sample season needs {needed} samples, has {len(series)}"
        )
    if horizon < 1:
        raise ForecastError(f"horizon must be at least 1 step, not {horizon}")
    level, trend, seasonal = holt_winters_initial(series, period)
    smoothing = smoothing or Smoothing()
    a, b, g = smoothing.level, smoothing.trend, smoothing.season
    season = list(seasonal)
    for t, value in enumerate(series):
        s_old = season[t % period]
        previous, previous_trend = level, trend
        level = a * (value - s_old) + (1 - a) * (previous + previous_trend)
        trend = b * (level - previous) + (1 - b) * previous_trend
        # Hyndman's form (the one statsmodels uses): the season sees the previous level and trend.
        season[t % period] = g * (value - previous - previous_trend) + (1 - g) * s_old
    n = len(series)
    return [level + h * trend + season[(n + h - 1) % period] for h in range(1, horizon + 1)]


def holt_winters_initial(series: Sequence[float], period: int) -> tuple[float, float, list[float]]:
    """Level: the first season's mean; trend 0; seasonal terms: the first season about its mean."""
    first = [float(v) for v in series[:period]]
    level = sum(first) / period
    return level, 0.0, [v - level for v in first]


def mape(actual: Sequence[float], predicted: Sequence[float], *, floor: float = 1.0) -> float:
    """Mean absolute percentage error, in percent; actual values below ``floor`` count as ``floor``
    so idle moments (zero calls) do not divide by zero or dominate the mean."""
    if len(actual) != len(predicted) or not actual:
        raise ForecastError(f"MAPE needs two equal non-empty series, got {len(actual)} and {len(predicted)}")
    total = sum(abs(a - p) / max(abs(a), floor) for a, p in zip(actual, predicted, strict=True))
    return 100.0 * total / len(actual)


__all__ = ["Smoothing", "holt", "holt_winters", "holt_winters_min_history", "mape"]
