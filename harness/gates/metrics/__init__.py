"""The registry of measurement kinds: ``kind`` in gates.yaml -> (Params model, measure function).

Adding a kind: write ``harness/gates/metrics/<kind>.py`` with ``Params`` and ``measure`` and
add one line to ``_KINDS``. Modules are imported on use so ``zen-harness`` starts fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, cast

from harness.gates.errors import GatesFileError, NotMeasured
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
    "cluster_cache": "harness.gates.metrics.cluster_cache",
    "routing": "harness.gates.metrics.routing",
    "scaling": "harness.gates.metrics.scaling",
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


# Kinds with a form for a baseline (``ctx.baseline``); why each other kind has none.
BASELINE_KINDS: frozenset[str] = frozenset({"concurrency", "chaos", "file_lines"})
NO_BASELINE_FORM: dict[str, str] = {
    "memory_soak": "the soak samples one server process under HTTP load; stdio is a process per session",
    "monitoring": "it reads the server's /metrics, which a stdio-only server does not serve",
    "tools_compat": "it checks a server against the upstream's own interface facts",
    "test_suite": "it runs this repository's tests",
    "coverage": "it measures this repository's tests",
}


def measure(name: str, params: dict[str, Any], ctx: MeasureContext) -> Measurement:
    kind = str(params.get("kind"))
    if ctx.baseline is not None and kind not in BASELINE_KINDS:
        why = NO_BASELINE_FORM.get(kind, "it has no form for a baseline")
        raise NotMeasured(f"not applicable to {ctx.baseline.label}: {why}")
    module = _module(kind)
    fn: MeasureFn = module.measure
    return fn(validate_params(name, params), ctx)


__all__ = ["MeasureContext", "MeasureParams", "Measurement", "kinds", "measure", "validate_params"]
