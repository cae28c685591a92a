"""Where the harness writes, in one place.

Every run (chaos, gates, load, leaks, coverage) writes under :data:`RUNS` (``runs/``),
which git ignores, so running anything never modifies a tracked file. The committed
reference reports live under :data:`REFERENCE` (``reports/``); only ``zen-harness
reference`` writes there, copying a complete run that is stamped with its commit and
machine.
"""

from __future__ import annotations

from pathlib import Path

RUNS = Path("runs")
REFERENCE = Path("reports")


def run_dir(kind: str) -> Path:
    """``runs/<kind>``: where a run of this kind writes by default (chaos, phase1, load, ...)."""
    return RUNS / kind
