"""Bundled load profiles load and say what they promise; bad files fail with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.load.errors import ProfileError
from harness.load.profile import bundled_profiles, load_profile
from harness.load.shapes import RampShape, SoakShape, SpikeShape, StepShape


def test_every_shape_kind_has_a_bundled_profile() -> None:
    names = bundled_profiles()
    assert {"smoke", "smoke-stdio", "ramp", "spike", "step", "soak"} <= set(names)
    kinds = {type(load_profile(n).shape) for n in names}
    assert {RampShape, SpikeShape, StepShape, SoakShape} <= kinds


def test_soak_profile_is_the_plans_five_minutes() -> None:
    shape = load_profile("soak").shape
    assert isinstance(shape, SoakShape) and shape.soak_s == 300


def test_stdio_and_http_profiles_exist_and_mixes_continue_threads() -> None:
    assert load_profile("smoke-stdio").transport == "stdio"
    smoke = load_profile("smoke")
    assert smoke.transport == "http"
    assert smoke.mix.continuation_ratio > 0
    assert len(smoke.mix.tools) >= 2


def test_unknown_profile_lists_the_bundled_ones() -> None:
    with pytest.raises(ProfileError, match="smoke"):
        load_profile("no-such-profile")


def test_invalid_profile_names_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nshape: {kind: ramp, users: 0, ramp_s: 1}\n")
    with pytest.raises(ProfileError, match=r"(?s)bad\.yaml.*shape\.ramp\.users"):
        load_profile(str(bad))
