"""Helpers for running the real gates (gates.yaml) against chosen servers."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.gates.evaluate import PhaseResult, run_phase
from harness.gates.metrics import MeasureContext
from harness.gates.spec import GatesFile, load_gates

HERE = Path(__file__).parent
FRAGILE = HERE.parent / "chaos" / "fragile_server.py"
LEAKY = HERE / "leaky_server.py"
FRAGILE_HTTP = [sys.executable, str(FRAGILE), "--http", "{port}"]
LEAKY_HTTP = [sys.executable, str(LEAKY), "--http", "{port}"]

RunGates = Callable[..., PhaseResult]


def subset(phase: str, measures: set[str], overrides: dict[str, dict[str, Any]]) -> GatesFile:
    """The real phase, limited to some measurements (parameters overridden only where asked)."""
    gates = load_gates()
    spec = gates.phase(phase)
    kept = [g.model_dump() for g in spec.gates if g.measure in measures]
    measurements = {k: v | overrides.get(k, {}) for k, v in gates.measurements.items() if k in measures}
    return GatesFile.model_validate(
        {"measurements": measurements, "phases": {phase: {"title": spec.title, "gates": kept}}}
    )


@pytest.fixture
def run_gates(tmp_path: Path) -> RunGates:
    def run(
        phase: str,
        measures: set[str],
        *,
        server: list[str] | None = None,
        overrides: dict[str, dict[str, Any]] | None = None,
        **context: Any,
    ) -> PhaseResult:
        gates = subset(phase, measures, overrides or {})
        ctx = MeasureContext(out_dir=tmp_path / phase, server_command=server, log=lambda _: None, **context)
        return run_phase(gates, phase, ctx)

    return run


@pytest.fixture
def fragile_http() -> list[str]:
    return list(FRAGILE_HTTP)


@pytest.fixture
def leaky_http() -> list[str]:
    return list(LEAKY_HTTP)
