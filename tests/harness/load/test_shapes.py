"""Load shapes are pure functions of time: users and spawn rate, then None at the end."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from harness.load.shapes import RampShape, SoakShape, SpikeShape, StepShape


def test_ramp_grows_linearly_then_holds_then_stops() -> None:
    shape = RampShape(users=100, ramp_s=10, hold_s=5)
    assert shape.tick(0.0) == (1, 10.0)  # at least one user from the first tick
    assert shape.tick(5.0) == (50, 10.0)
    assert shape.tick(12.0) == (100, 10.0)
    assert shape.tick(15.0) is None
    assert shape.duration_s == 15


def test_spike_jumps_only_inside_its_window() -> None:
    shape = SpikeShape(base_users=10, spike_users=100, at_s=20, spike_s=10, total_s=40)
    users = [shape.tick(t) for t in (0, 19.9, 20, 29.9, 30, 39.9)]
    assert [u[0] if u else None for u in users] == [10, 10, 100, 100, 10, 10]
    assert shape.tick(40) is None
    assert shape.peak_users == 100


def test_spike_must_end_before_the_run_does() -> None:
    with pytest.raises(ValidationError, match="before total_s"):
        SpikeShape(base_users=1, spike_users=2, at_s=30, spike_s=20, total_s=40)


def test_step_adds_users_each_step_and_caps_at_max() -> None:
    shape = StepShape(start_users=10, step_users=30, step_s=10, max_users=70, hold_s=5)
    assert shape.steps == 2  # 10 -> 40 -> 70
    assert [shape.tick(t)[0] for t in (0, 10, 20, 29)] == [10, 40, 70, 70]  # type: ignore[index]
    assert shape.duration_s == 35
    assert shape.tick(35) is None


def test_soak_holds_users_for_warmup_plus_soak() -> None:
    shape = SoakShape(users=50, warmup_s=10, soak_s=300)
    assert shape.tick(0) == (50, 5.0)
    assert shape.tick(309.9) == (50, 5.0)
    assert shape.tick(310) is None


def test_scaling_shortens_every_duration_but_not_user_counts() -> None:
    shape = StepShape(start_users=10, step_users=10, step_s=20, max_users=30, hold_s=10).scaled(0.1)
    assert isinstance(shape, StepShape)
    assert (shape.step_s, shape.hold_s, shape.max_users) == (2.0, 1.0, 30)
    assert shape.duration_s == pytest.approx(7.0)
