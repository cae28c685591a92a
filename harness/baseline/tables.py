"""Before/after tables: the same scenarios or gates, a baseline beside zen_server, one run.

Inputs are the JSON the runs already write (a chaos ``summary.json``, a phase's
``results.json``), so a table is made from figures on disk, never re-measured.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _chaos_cell(summary: Mapping[str, Any], name: str) -> str:
    for row in summary.get("scenarios", []):
        if row["name"] == name:
            if row.get("errors"):
                return "harness error"
            if row.get("invalid"):
                return f"**INVALID** (steady state failed): {row['invalid']}"
            if row.get("passed"):
                return "PASS"
            return "**FAIL**: " + ", ".join(row.get("failed") or [])
    for row in summary.get("not_applicable", []):
        if row["name"] == name:
            return f"not applicable: {row['reason']}"
    return "not run"


def chaos_table(
    before: Mapping[str, Any], after: Mapping[str, Any], before_label: str, *, heading: bool = True
) -> str:
    """Markdown: one row per scenario, the baseline's outcome (before) and zen_server's (after)."""
    names = [row["name"] for row in after.get("scenarios", [])]
    names += [row["name"] for row in before.get("scenarios", []) if row["name"] not in names]
    names += [row["name"] for row in before.get("not_applicable", []) if row["name"] not in names]
    lines = ["## Before/after: the same scenarios, same run, same machine", ""] if heading else []
    lines += [
        f"| scenario | before: {before_label} | after: zen_server |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {n} | {_chaos_cell(before, n)} | {_chaos_cell(after, n)} |" for n in names]
    return "\n".join(lines) + "\n"


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "n/a"
    text = f"{value:.3g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}".strip()


def _gate_cell(row: Mapping[str, Any] | None) -> str:
    if row is None:
        return "not run"
    if row["verdict"] == "not measured":
        return f"not measured: {row.get('reason', '')}"
    mark = "pass" if row["verdict"] == "pass" else "**FAIL**"
    return f"{_fmt(row['measured'], row.get('unit', ''))} ({mark})"


def gates_table(
    before: Mapping[str, Any], after: Mapping[str, Any], before_label: str, *, heading: bool = True
) -> str:
    """Markdown: one row per gate, the baseline's figure (before) and zen_server's (after)."""
    old = {row["metric"]: row for row in before.get("gates", [])}
    lines = ["## Before/after: the same gates, same run, same machine", ""] if heading else []
    lines += [
        f"| metric | target | before: {before_label} | after: zen_server |",
        "| --- | --- | --- | --- |",
    ]
    for row in after.get("gates", []):
        previous = _gate_cell(old.get(row["metric"]))
        lines.append(f"| {row['metric']} | {row['target']} | {previous} | {_gate_cell(row)} |")
    return "\n".join(lines) + "\n"
