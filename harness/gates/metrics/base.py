"""What a measurement is: parameters in, named figures out, for gates to compare.

Each measurement kind is one module defining a pydantic ``Params`` model (its ``kind`` a
``Literal``) and ``measure(params, ctx) -> Measurement``, registered in ``__init__.py``. A
measurement that cannot be made raises ``NotMeasured``: its gates then say so, and a phase
with an unmeasured gate is never green.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from harness.baseline.registry import Baseline
from harness.launcher.environment import without_real_providers

Figure = float | int | None


class MeasureParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class MeasureContext:
    """What every measurement may use: where reports go and what is under test."""

    out_dir: Path
    repo_root: Path = field(default_factory=Path.cwd)
    full: bool = False  # the plan's full durations instead of CI's short ones
    server_command: list[str] | None = None  # an HTTP MCP server instead of zen_server ({port})
    junit: Path | None = None  # results of a test run already made (phase2's suite gate)
    coverage_json: Path | None = None  # coverage.py JSON already made (coverage gate)
    baseline: Baseline | None = None  # measure this installed baseline (over stdio) instead
    log: Callable[[str], None] = field(default=lambda text: print(text, file=sys.stderr, flush=True))

    @property
    def python(self) -> str:
        return sys.executable

    def child_env(self) -> dict[str, str]:
        """The environment for child processes (test runs, chaos, benchmarks), marked so nested
        gate runs can tell; no real provider setting reaches them (harness.launcher)."""
        return without_real_providers(os.environ) | {"ZEN_GATES_INNER": "1"}


@dataclass
class Measurement:
    """Named figures, JSON-able details for the report, the plots written, notes."""

    values: dict[str, Figure]
    details: dict[str, Any] = field(default_factory=dict)
    plots: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duration_s: float = 0.0
