"""The gates as data: ``gates.yaml`` holds every phase's metrics, targets and how to measure.

Two sections. ``measurements`` names each way of obtaining figures (a ``kind`` from the
measurement registry plus its parameters); one measurement can feed several gates and runs
once per phase. ``phases`` lists, per phase, its gates: a name, the measurement and the
figure it reads (``value``), a comparison (``op``) and the plan's ``target``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from harness.gates.errors import GatesFileError

GATES_FILE = Path(__file__).with_name("gates.yaml")

Op = Literal["<", "<=", "==", ">=", ">"]
OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, "==": operator.eq, ">=": operator.ge, ">": operator.gt,
}  # fmt: skip


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GateSpec(_Strict):
    name: str
    measure: str  # a key of ``measurements``
    value: str  # a figure that measurement returns
    op: Op
    target: float
    unit: str = ""
    plan: str = ""  # the improvement plan's wording of the metric, for the report

    def holds(self, measured: float) -> bool:
        return OPS[self.op](measured, self.target)

    @property
    def target_text(self) -> str:
        return f"{self.op} {self.target:g}{(' ' + self.unit) if self.unit else ''}"


class PhaseSpec(_Strict):
    title: str
    gates: list[GateSpec] = Field(min_length=1)


class GatesFile(_Strict):
    version: Literal[1] = 1
    measurements: dict[str, dict[str, Any]]
    phases: dict[str, PhaseSpec]

    @model_validator(mode="after")
    def _references_resolve(self) -> GatesFile:
        for phase_name, phase in self.phases.items():
            for gate in phase.gates:
                if gate.measure not in self.measurements:
                    raise ValueError(
                        f"phase {phase_name}: gate {gate.name!r} uses unknown measurement {gate.measure!r}"
                    )
        for name, params in self.measurements.items():
            if "kind" not in params:
                raise ValueError(f"measurement {name!r} has no kind")
        return self

    def phase(self, name: str) -> PhaseSpec:
        if name not in self.phases:
            raise GatesFileError(f"no phase {name!r}; the gates file has {', '.join(self.phases)}")
        return self.phases[name]


def load_gates(path: Path = GATES_FILE) -> GatesFile:
    """Read and validate a gates file; measurement parameters are validated by their kinds."""
    from harness.gates.metrics import validate_params

    try:
        gates = GatesFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for name, params in gates.measurements.items():
            validate_params(name, params)
    except (OSError, yaml.YAMLError, ValidationError, ValueError) as exc:
        raise GatesFileError(f"{path}: {exc}") from exc
    return gates
