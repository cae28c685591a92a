"""The upstream page: the plan's success metrics with "Current" measured on the baseline.

Made from the JSON a ``zen-harness compare`` run wrote (chaos summaries, phase results of
both targets), so every figure on the page comes from that one run on one machine.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.baseline.tables import chaos_table, gates_table
from harness.stamp import stamp_lines


def _read(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def _cell(row: Mapping[str, Any] | None) -> str:
    if row is None:
        return "not run"
    if row["verdict"] == "not measured":
        return f"not measured ({row.get('reason', '')})"
    value = row["measured"]
    text = f"{value:.3g}" if isinstance(value, float) else str(value)
    return f"{text} {row.get('unit', '')}".strip() + ("" if row["verdict"] == "pass" else " (misses)")


def metrics_rows(phases: Sequence[tuple[str, Mapping[str, Any], Mapping[str, Any]]]) -> list[str]:
    """One row per gate that carries the plan's wording: target, Current (baseline), zen_server."""
    lines = [
        "| plan's metric | target | Current: upstream, measured | zen_server, measured | measured by |",
        "| --- | --- | --- | --- | --- |",
    ]
    for command, before, after in phases:
        old = {row["metric"]: row for row in before.get("gates", [])}
        for row in after.get("gates", []):
            if row.get("plan"):
                lines.append(
                    f"| {row['plan']} | {row['target']} | {_cell(old.get(row['metric']))} "
                    f"| {_cell(row)} | `{command}`: {row['metric']} |"
                )
    return lines


def page(out: Path, label: str, commands: Mapping[str, str], made: Mapping[str, Any]) -> str:
    """The Markdown page for a compare run under ``out`` (see ``harness.baseline.compare``)."""
    name = label.split(" ")[0].removeprefix("baseline:")
    phases = [
        (
            commands[phase],
            _read(out / phase / f"baseline-{name}" / "results.json"),
            _read(out / phase / "results.json"),
        )
        for phase in ("phase1", "phase2")
        if phase in commands
    ]
    lines = [
        f"# The upstream, scored: {label} beside zen_server",
        "",
        "Every figure below comes from one run on one machine: the same fakes, faults, scenarios",
        "and gates, first on the upstream installed from the package index into its own venv,",
        "then on zen_server. Reproduce it with `nox -s compare`.",
        "",
        *stamp_lines(dict(made)),
        "",
        "## The plan's success metrics, with Current measured",
        "",
        *metrics_rows(phases),
        "",
        '"not measured" says why; a figure with no form for a stdio-only server is never guessed.',
        "Timing figures depend on the machine and its load: compare the two columns, not runs.",
        "",
    ]
    for _command, before, after in phases:
        if before and after:
            title = f"## {after.get('phase', '')} gates, before/after"
            lines += [title, "", gates_table(before, after, label, heading=False), ""]
    chaos_after = _read(out / "chaos" / "summary.json")
    chaos_before = _read(out / "chaos" / f"baseline-{name}" / "summary.json")
    if chaos_after:
        table = chaos_table(chaos_before, chaos_after, label, heading=False)
        lines += ["## Chaos scenarios, before/after", "", table, ""]
    lines += ["## Commands", ""] + [f"- {what}: `{command}`" for what, command in commands.items()]
    return "\n".join(lines) + "\n"
