"""Evaluating a phase: make each measurement its gates need (once), compare, decide.

A gate passes when its figure satisfies the comparison, fails when it does not, and is
"not measured" when the measurement could not be made or lacks the figure. The phase is
``green`` only when every gate passed, ``red`` when any failed, else ``incomplete``.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.gates.errors import NotMeasured
from harness.gates.metrics import MeasureContext, Measurement, measure
from harness.gates.spec import GatesFile, GateSpec, PhaseSpec

PROGRESS_EVERY_S = 15.0  # a line while a measurement runs, so a long one is never silent
GateVerdict = Literal["pass", "fail", "not measured"]
PhaseVerdict = Literal["green", "red", "incomplete"]


@dataclass(frozen=True)
class GateOutcome:
    gate: GateSpec
    measured: float | int | None
    verdict: GateVerdict
    reason: str = ""

    def row(self) -> dict[str, Any]:
        return {
            "metric": self.gate.name,
            "target": self.gate.target_text,
            "measured": self.measured,
            "unit": self.gate.unit,
            "verdict": self.verdict,
            "reason": self.reason,
            "plan": self.gate.plan,
            "measurement": self.gate.measure,
        }


@dataclass
class PhaseResult:
    name: str
    spec: PhaseSpec
    outcomes: list[GateOutcome] = field(default_factory=list)
    measurements: dict[str, Measurement] = field(default_factory=dict)
    unmeasured: dict[str, str] = field(default_factory=dict)  # measurement -> why
    duration_s: float = 0.0
    target: str = "zen_server"  # or the --server-cmd measured instead

    @property
    def verdict(self) -> PhaseVerdict:
        verdicts = {o.verdict for o in self.outcomes}
        if "fail" in verdicts:
            return "red"
        return "green" if verdicts == {"pass"} else "incomplete"

    @property
    def exit_code(self) -> int:
        return {"green": 0, "red": 1, "incomplete": 3}[self.verdict]


def judge(gate: GateSpec, measurement: Measurement | None, why_not: str | None) -> GateOutcome:
    if measurement is None:
        return GateOutcome(gate, None, "not measured", why_not or "not measured")
    value = measurement.values.get(gate.value)
    if value is None:
        return GateOutcome(gate, None, "not measured", f"the measurement gave no {gate.value!r}")
    if gate.holds(value):
        return GateOutcome(gate, value, "pass")
    return GateOutcome(gate, value, "fail", f"{gate.value} = {value:g}, needs {gate.target_text}")


@contextmanager
def progress(ctx: MeasureContext, what: str, every_s: float) -> Iterator[None]:
    """Log ``still measuring <what>: Ns`` every ``every_s`` seconds until the block ends."""
    stop = threading.Event()
    started = time.monotonic()

    def beat() -> None:
        while not stop.wait(every_s):
            ctx.log(f"{what}: still measuring, {time.monotonic() - started:.0f}s so far")

    thread = threading.Thread(target=beat, name="gate-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def run_phase(
    gates: GatesFile,
    phase: str,
    ctx: MeasureContext,
    *,
    skip: frozenset[str] = frozenset(),
    progress_every_s: float = PROGRESS_EVERY_S,
) -> PhaseResult:
    """Measure (each measurement once, in the order gates name them) and judge every gate."""
    spec = gates.phase(phase)
    result = PhaseResult(phase, spec)
    ctx.out_dir.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    for name in dict.fromkeys(g.measure for g in spec.gates):
        if name in skip:
            result.unmeasured[name] = "skipped on request (--skip)"
            continue
        ctx.log(f"[{phase}] measuring {name} ({gates.measurements[name]['kind']})")
        try:
            with progress(ctx, f"[{phase}] {name}", progress_every_s):
                result.measurements[name] = measure(name, gates.measurements[name], ctx)
        except NotMeasured as exc:
            result.unmeasured[name] = str(exc)
        except Exception as exc:  # a broken measurement is reported, never counted as a pass
            result.unmeasured[name] = f"{type(exc).__name__}: {exc}"
            ctx.log(traceback.format_exc())
    for gate in spec.gates:
        result.outcomes.append(
            judge(gate, result.measurements.get(gate.measure), result.unmeasured.get(gate.measure))
        )
    result.duration_s = time.monotonic() - began
    return result
