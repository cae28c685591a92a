"""The evaluation's arithmetic, the cycle shape and the CLI's loop settings, on synthetic data."""

from __future__ import annotations

import argparse

import pytest

from harness.autoscale.command import add_autoscale_arguments, loop_settings
from harness.autoscale.errors import ForecastError
from harness.autoscale.evaluate import PROFILES_DIR, cluster_command, forecast_mape, instance_seconds
from harness.load.profile import load_profile
from harness.load.shapes import CycleShape


def tick(t: float, demand: float | None, at_horizon: float | None, replicas: int = 2) -> dict[str, object]:
    return {"t": t, "demand": demand, "at_horizon": at_horizon, "replicas": replicas}


def test_mape_scores_each_forecast_against_the_demand_a_horizon_later() -> None:
    ticks = [tick(0.0, 4.0, 10.0), tick(1.0, 5.0, 6.0), tick(2.0, 8.0, None), tick(3.0, 5.0, None)]
    # t=0 forecast 10 for t=2 (measured 8): 25%; t=1 forecast 6 for t=3 (measured 5): 20%.
    assert forecast_mape(ticks, 2.0) == pytest.approx(22.5)
    assert forecast_mape([tick(0.0, None, 3.0)], 2.0) is None


def test_instance_seconds_sum_the_replicas_of_every_tick() -> None:
    assert instance_seconds([tick(0, 1, None, 1), tick(1, 1, None, 3)], 0.5) == 2.0


def test_the_cycle_shape_repeats_its_period() -> None:
    shape = CycleShape(base_users=2, top_users=20, period_s=60, periods=2)
    night, noon = shape.tick(0), shape.tick(30)
    assert night is not None and noon is not None
    assert (night[0], noon[0]) == (2, 20)
    assert shape.tick(60) == night
    assert shape.tick(120) is None
    assert shape.scaled(0.5).duration_s == 60


@pytest.mark.parametrize("name", ["scale-daily", "scale-ramp", "scale-spike"])
def test_the_scaling_profiles_load(name: str) -> None:
    assert load_profile(str(PROFILES_DIR / f"{name}.yaml")).name == name


def test_cli_settings_become_a_policy_in_ticks() -> None:
    parser = argparse.ArgumentParser()
    add_autoscale_arguments(parser)
    args = parser.parse_args(
        ["--autoscale", "predictive", "--max", "5", "--interval", "0.5", "--season", "90"]
    )
    settings = loop_settings(args)
    assert (settings.policy.horizon_steps, settings.policy.season_steps) == (20, 180)
    assert (settings.policy.bounds.minimum, settings.policy.bounds.maximum) == (1, 5)
    with pytest.raises(ForecastError, match="never scale to zero"):
        loop_settings(parser.parse_args(["--autoscale", "reactive", "--min", "0"]))
    command = cluster_command("reactive", PROFILES_DIR / "t.json", maximum=3, season_s=None)
    assert command[command.index("--max") + 1] == "3" and "{port}" in command
