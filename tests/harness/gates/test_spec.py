"""The gates file: the plan's thresholds as data, validated, with references that resolve."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.gates.errors import GatesFileError
from harness.gates.spec import GateSpec, load_gates


def test_the_gates_file_holds_the_plans_targets() -> None:
    gates = load_gates()
    targets = {(name, g.value): (g.op, g.target) for name, p in gates.phases.items() for g in p.gates}
    assert targets[("phase1", "completed")] == (">=", 100)
    assert targets[("phase1", "errors")] == ("==", 0)
    assert targets[("phase1", "p95_s")] == ("<", 2.0)
    by_measure = {
        (name, g.measure, g.value): (g.op, g.target) for name, p in gates.phases.items() for g in p.gates
    }
    assert by_measure[("phase1", "soak", "growth_mb")] == ("<", 100)
    assert by_measure[("phase1", "soak_store_full", "growth_mb")] == ("<", 5)  # issue 21's plateau
    assert targets[("phase1", "coverage_pct")] == (">=", 100)
    assert targets[("phase1", "failed")] == ("==", 0)
    assert targets[("phase2", "lines")] == ("<", 500)
    assert targets[("phase2", "incompatible")] == ("==", 0)
    assert targets[("coverage", "branch_pct")] == (">=", 90)
    assert targets[("phase4", "default_vs_fastest_p99")] == ("<=", 1.2)
    assert targets[("phase4", "shuffle_vs_default_p99")] == (">=", 2.0)
    assert targets[("phase4", "default_overhead_us")] == ("<", 50)


def test_phase1_measures_100_concurrent_calls_at_one_second_and_a_five_minute_full_soak() -> None:
    gates = load_gates()
    assert gates.measurements["burst"]["concurrent"] == 100
    assert gates.measurements["burst"]["provider_latency_ms"] == 1000
    assert gates.measurements["soak"]["full_duration_s"] == 300
    # Issue 21: growth from minute 5 to minute 30 with the store held full.
    store_full = gates.measurements["soak_store_full"]
    assert (store_full["full_warmup_s"], store_full["full_duration_s"]) == (300, 1500)
    assert store_full["server_env"]["ZEN_STORE_MAX_THREADS"] == "100"
    for scenario in gates.measurements["chaos_phase1"]["scenarios"]:
        assert Path(scenario).suffix == ".yaml"


@pytest.mark.parametrize(
    ("op", "target", "measured", "holds"),
    [
        ("<", 2.0, 1.99, True),
        ("<", 2.0, 2.0, False),
        ("==", 0, 0, True),
        (">=", 100, 99, False),
        (">", 0, 1, True),
    ],
)
def test_a_gate_compares_its_figure_with_its_target(
    op: str, target: float, measured: float, holds: bool
) -> None:
    gate = GateSpec.model_validate({"name": "g", "measure": "m", "value": "v", "op": op, "target": target})
    assert gate.holds(measured) is holds


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gates.yaml"
    path.write_text(text)
    return path


def test_a_gate_naming_an_unknown_measurement_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "measurements: {a: {kind: file_lines}}\n"
        "phases: {p: {title: t, gates: [{name: g, measure: b, value: lines, op: '<', target: 1}]}}\n",
    )
    with pytest.raises(GatesFileError, match="unknown measurement 'b'"):
        load_gates(path)


def test_an_unknown_kind_or_bad_parameter_is_refused(tmp_path: Path) -> None:
    gate = "phases: {p: {title: t, gates: [{name: g, measure: a, value: x, op: '<', target: 1}]}}\n"
    with pytest.raises(GatesFileError, match="unknown measurement kind 'nope'"):
        load_gates(write(tmp_path, "measurements: {a: {kind: nope}}\n" + gate))
    with pytest.raises(GatesFileError, match="concurrent"):
        load_gates(write(tmp_path, "measurements: {a: {kind: concurrency, concurrent: 0}}\n" + gate))


def test_asking_for_a_phase_that_does_not_exist_names_the_ones_that_do() -> None:
    with pytest.raises(GatesFileError, match="phase1, phase2, coverage"):
        load_gates().phase("phase9")
