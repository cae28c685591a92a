"""The phase-4 routing measurement: a tiny run of benchmarks/bench_routing.py read back.

Figures are not judged here (the machine is shared); the test pins that every strategy was
measured against real fake processes, that the shares come from the fakes' own counters,
and that a missing benchmark is "not measured", never green.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.gates.evaluate import PhaseResult

RunGates = Callable[..., PhaseResult]

pytestmark = pytest.mark.slow

TINY = {
    "routing": {"calls": 40, "concurrency": 4, "latency_scale": 0.1, "overhead_calls": 200, "budget_s": 240}
}


def test_the_routing_measurement_fills_every_phase4_figure_from_a_real_run(run_gates: RunGates) -> None:
    result = run_gates("phase4", {"routing"}, overrides=TINY)
    assert result.unmeasured == {}
    measured = {o.gate.value: o.measured for o in result.outcomes}
    assert set(measured) >= {
        "default_vs_fastest_p99",
        "shuffle_vs_default_p99",
        "default_errors",
        "simulated_default_vs_fastest_p99",
    }
    assert all(isinstance(v, int | float) and v >= 0 for v in measured.values())
    table = result.measurements["routing"].details["table"]
    assert [row["strategy"] for row in table] == [
        "fastest alone",
        "lowest_latency",
        "peak_ewma",
        "least_request",
        "weighted_shuffle",
    ]
    for row in table[1:]:
        assert sum(row["share"].values()) == pytest.approx(1.0)  # counted by the three fakes
        assert len(row["share"]) == 3 and row["errors"] == 0
    assert Path(result.measurements["routing"].plots[0]).is_file()


def test_a_missing_benchmark_is_not_measured(run_gates: RunGates) -> None:
    result = run_gates("phase4", {"routing"}, overrides={"routing": {"script": "benchmarks/no_such.py"}})
    assert "routing" in result.unmeasured and result.verdict != "green"
