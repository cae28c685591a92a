"""The registry of measurement kinds: ``kind`` in gates.yaml -> (Params model, measure function).

Adding a kind: write ``harness/gates/metrics/<kind>.py`` with ``Params`` and ``measure`` and
add one line to ``_KINDS``. Modules are imported on use so ``zen-harness`` starts fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, cast

from harness.gates.errors import GatesFileError
from harness.gates.metrics.base import MeasureContext, Measurement, MeasureParams

_KINDS: dict[str, str] = {
    "concurrency": "harness.gates.metrics.concurrency",
    "memory_soak": "harness.gates.metrics.memory",
    "monitoring": "harness.gates.metrics.monitoring",
    "chaos": "harness.gates.metrics.chaos",
    "file_lines": "harness.gates.metrics.file_lines",
    "tools_compat": "harness.gates.metrics.tools_compat",
    "test_suite": "harness.gates.metrics.test_suite",
    "coverage": "harness.gates.metrics.coverage",
    "cluster_concurrency": "harness.gates.metrics.cluster_concurrency",
    "pending": "harness.gates.metrics.pending",
}

MeasureFn = Callable[[Any, MeasureContext], Measurement]


def kinds() -> list[str]:
    return sorted(_KINDS)


def _module(kind: str) -> Any:
    if kind not in _KINDS:
        raise GatesFileError(f"unknown measurement kind {kind!r}; known: {', '.join(kinds())}")
    return importlib.import_module(_KINDS[kind])


def validate_params(name: str, params: dict[str, Any]) -> MeasureParams:
    """The measurement's parameters as its kind's validated model."""
    module = _module(str(params.get("kind")))
    try:
        return cast(MeasureParams, module.Params.model_validate(params))
    except ValueError as exc:
        raise GatesFileError(f"measurement {name!r}: {exc}") from exc


def measure(name: str, params: dict[str, Any], ctx: MeasureContext) -> Measurement:
    module = _module(str(params.get("kind")))
    fn: MeasureFn = module.measure
    return fn(validate_params(name, params), ctx)


__all__ = ["MeasureContext", "MeasureParams", "Measurement", "kinds", "measure", "validate_params"]
