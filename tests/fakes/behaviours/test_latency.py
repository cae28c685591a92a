"""Latency sampling: fixed, lognormal by p50/p99, capped; invalid shapes refused."""

from __future__ import annotations

import random

import pytest
from pydantic import ValidationError

from fakes import LatencySpec


def test_lognormal_hits_its_median_and_p99() -> None:
    spec = LatencySpec(p50_ms=200, p99_ms=1000)
    assert spec.sample_s(0.5) == pytest.approx(0.2)
    assert spec.sample_s(0.99) == pytest.approx(1.0, rel=1e-6)
    rng = random.Random(3)
    samples = sorted(spec.sample_s(rng.random()) for _ in range(20000))
    assert samples[10000] == pytest.approx(0.2, rel=0.05)
    assert samples[19800] == pytest.approx(1.0, rel=0.15)


def test_fixed_zero_and_cap() -> None:
    assert LatencySpec(fixed_ms=30).sample_s(0.9) == pytest.approx(0.03)
    assert LatencySpec().sample_s(0.5) == 0.0
    assert LatencySpec(p50_ms=100, p99_ms=5000, max_ms=300).sample_s(0.999) == pytest.approx(0.3)


@pytest.mark.parametrize(
    "fields",
    [{"fixed_ms": 1, "p50_ms": 2, "p99_ms": 3}, {"p50_ms": 5}, {"p50_ms": 10, "p99_ms": 5}, {"fixed_ms": -1}],
)
def test_invalid_shapes_are_refused(fields: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        LatencySpec.model_validate(fields)
