"""``zen-harness gate PHASE --compare baseline:NAME``: the phase's gates on a baseline too.

The baseline must start first (else a harness error with its log). Its measurements run
with ``MeasureContext.baseline`` set, into ``<phase>/baseline-NAME/``, with a report of
their own; what comes back is the before/after table for zen_server's report.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from harness.baseline.tables import gates_table
from harness.gates.evaluate import run_phase
from harness.gates.metrics.base import MeasureContext
from harness.gates.report import results_json, write_reports
from harness.gates.spec import GatesFile


def measure_baseline(
    target: str, gates: GatesFile, phase: str, ctx: MeasureContext, skip: frozenset[str], made: dict[str, Any]
) -> str:
    """Measure ``phase`` on ``target`` (``baseline:NAME``); the before/after Markdown table."""
    from harness.chaos.baseline import check_starts, resolve

    baseline = resolve(target)
    ctx.log(f"[{phase}] checking that {baseline.label} starts ...")
    check_starts(baseline)
    out_dir = ctx.out_dir / f"baseline-{baseline.name}"
    before = run_phase(gates, phase, replace(ctx, out_dir=out_dir, baseline=baseline), skip=skip)
    before.target = baseline.label
    write_reports(before, made, out_dir)
    after = json.loads((ctx.out_dir / "results.json").read_text(encoding="utf-8"))
    table = gates_table(results_json(before, made), after, baseline.label)
    own = f"baseline-{baseline.name}/report.md"
    link = f"\nThe baseline's own report: [{own}]({own}).\n"
    return table + link
