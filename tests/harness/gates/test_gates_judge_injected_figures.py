"""Every gate of gates.yaml turns red on a bad figure and green on a good one, with the
figures injected: the judgement is tested here, the measuring in the other gate tests."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rich.console import Console

from harness.gates import evaluate
from harness.gates.evaluate import PhaseResult, run_phase
from harness.gates.metrics import MeasureContext, Measurement
from harness.gates.report import print_result
from harness.gates.spec import GateSpec, load_gates

GATES = load_gates()
CASES = [(phase, gate) for phase, spec in GATES.phases.items() for gate in spec.gates]


def figures(gate: GateSpec) -> tuple[float, float]:
    """(a figure that meets the target, one that misses it) for the gate's comparison."""
    target = float(gate.target)
    step = max(1.0, abs(target) * 0.1)
    return {
        ">=": (target, target - step),
        ">": (target + step, target),
        "<": (target - step if target - step >= 0 else target / 2, target),
        "<=": (target, target + step),
        "==": (target, target + 1),
    }[gate.op]


def judged(
    phase: str, gate: GateSpec, value: float, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> PhaseResult:
    def inject(name: str, params: dict[str, Any], ctx: MeasureContext) -> Measurement:
        return Measurement(values={gate.value: value})

    monkeypatch.setattr(evaluate, "measure", inject)
    only = GATES.model_copy(
        update={"phases": {phase: GATES.phase(phase).model_copy(update={"gates": [gate]})}}
    )
    return run_phase(only, phase, MeasureContext(out_dir=tmp_path, log=lambda _: None))


@pytest.mark.parametrize(("phase", "gate"), CASES, ids=[f"{p}: {g.name}" for p, g in CASES])
def test_each_gate_is_green_on_a_good_figure_and_red_on_a_bad_one(
    phase: str, gate: GateSpec, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    good, bad = figures(gate)
    green = judged(phase, gate, good, monkeypatch, tmp_path)
    assert (green.verdict, green.outcomes[0].verdict) == ("green", "pass"), green.outcomes[0].row()
    red = judged(phase, gate, bad, monkeypatch, tmp_path)
    assert (red.verdict, red.outcomes[0].verdict) == ("red", "fail"), red.outcomes[0].row()
    assert red.exit_code == 1


def test_the_p95_gate_that_once_flaked_in_the_unit_suite_is_judged_on_its_figure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    gate = next(g for g in GATES.phase("phase1").gates if g.value == "p95_s")
    assert judged("phase1", gate, 1.2, monkeypatch, tmp_path).verdict == "green"
    red = judged("phase1", gate, 2.04, monkeypatch, tmp_path)
    assert red.outcomes[0].reason == "p95_s = 2.04, needs < 2 s"


def test_off_a_terminal_each_gate_prints_as_one_whole_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    gate = next(g for g in GATES.phase("phase1").gates if g.value == "p95_s")
    red = judged("phase1", gate, 2.04, monkeypatch, tmp_path)
    out = io.StringIO()
    print_result(red, Console(file=out, width=80, color_system=None))
    lines = out.getvalue().splitlines()
    assert f"FAIL {gate.name}: measured 2.04 s, target < 2 s (p95_s = 2.04, needs < 2 s)" in lines
    assert lines[-1].startswith("phase1: RED in ")
