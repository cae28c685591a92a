"""Phase gates: the improvement plan's success metrics as data, measured, judged, reported.

``gates.yaml`` holds the phases and their targets; ``run_phase`` measures and judges;
``write_reports`` writes ``report.md`` and ``results.json`` next to the measurements' PNGs.
"""

from harness.gates.errors import GateError, GatesFileError, NotMeasured
from harness.gates.evaluate import GateOutcome, PhaseResult, judge, run_phase
from harness.gates.metrics import MeasureContext, Measurement
from harness.gates.report import print_result, write_reports
from harness.gates.spec import GATES_FILE, GatesFile, GateSpec, PhaseSpec, load_gates
from harness.stamp import stamp

__all__ = [
    "GATES_FILE",
    "GateError",
    "GateOutcome",
    "GateSpec",
    "GatesFile",
    "GatesFileError",
    "MeasureContext",
    "Measurement",
    "NotMeasured",
    "PhaseResult",
    "PhaseSpec",
    "judge",
    "load_gates",
    "print_result",
    "run_phase",
    "stamp",
    "write_reports",
]
