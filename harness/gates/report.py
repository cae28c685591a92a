"""A phase's report: the console table, ``report.md`` and ``results.json`` in ``runs/<phase>/``.

The table has one row per gate: metric, target, measured, verdict. The Markdown adds the
stamp (date, commit, machine), the plan's wording, notes, why a gate was not measured,
the plots, and the key figures of every measurement; ``results.json`` holds all of it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from harness.gates.evaluate import GateOutcome, PhaseResult
from harness.stamp import stamp_lines

STYLE = {"pass": "green", "fail": "bold red", "not measured": "yellow"}


def fmt(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "n/a"
    text = f"{value:.3g}" if isinstance(value, float) else str(value)
    return f"{text} {unit}".strip()


def console_table(result: PhaseResult) -> Table:
    table = Table(title=f"{result.name}: {result.spec.title}")
    for column in ("metric", "target", "measured", "verdict"):
        table.add_column(column)
    for outcome in result.outcomes:
        verdict = f"[{STYLE[outcome.verdict]}]{outcome.verdict}[/]"
        table.add_row(
            outcome.gate.name, outcome.gate.target_text, fmt(outcome.measured, outcome.gate.unit), verdict
        )
    return table


def outcome_line(outcome: GateOutcome) -> str:
    """One gate as one line: ``FAIL name: measured X, target Y (why)``."""
    mark = {"pass": "PASS", "fail": "FAIL", "not measured": "NOT MEASURED"}[outcome.verdict]
    line = f"{mark} {outcome.gate.name}: measured {fmt(outcome.measured, outcome.gate.unit)}, "
    line += f"target {outcome.gate.target_text}"
    return line + (f" ({outcome.reason})" if outcome.reason else "")


def print_result(result: PhaseResult, console: Console | None = None) -> None:
    """The table on a terminal; elsewhere (CI logs, pipes) one whole line per gate, which a
    fixed 80-column table would fold and cut."""
    console = console or Console()
    if console.is_terminal:
        console.print(console_table(result))
    else:
        for outcome in result.outcomes:
            console.print(outcome_line(outcome), markup=False, highlight=False, soft_wrap=True)
    for name, why in result.unmeasured.items():
        console.print(f"[yellow]not measured[/] {name}: {why}")
    colour = {"green": "green", "red": "bold red", "incomplete": "yellow"}[result.verdict]
    console.print(f"{result.name}: [{colour}]{result.verdict.upper()}[/] in {result.duration_s:.0f}s")


def results_json(result: PhaseResult, stamp: dict[str, Any]) -> dict[str, Any]:
    return {
        "phase": result.name,
        "title": result.spec.title,
        "verdict": result.verdict,
        "target": result.target,
        "stamp": stamp,
        "duration_s": round(result.duration_s, 1),
        "gates": [o.row() for o in result.outcomes],
        "measurements": {
            name: {
                "values": m.values,
                "details": m.details,
                "notes": m.notes,
                "plots": [p.name for p in m.plots],
                "duration_s": round(m.duration_s, 1),
            }
            for name, m in result.measurements.items()
        },
        "not_measured": result.unmeasured,
    }


def markdown(result: PhaseResult, stamp: dict[str, Any]) -> str:
    lines = [
        f"# {result.name}: {result.spec.title}",
        "",
        f"**Verdict: {result.verdict.upper()}**, measured in {result.duration_s:.0f} s.",
        "",
        *stamp_lines(stamp),
        "",
        "| metric | target | measured | verdict | plan |",
        "| --- | --- | --- | --- | --- |",
    ]
    for o in result.outcomes:
        mark = {"pass": "pass", "fail": "**FAIL**", "not measured": "*not measured*"}[o.verdict]
        measured = fmt(o.measured, o.gate.unit)
        lines.append(f"| {o.gate.name} | {o.gate.target_text} | {measured} | {mark} | {o.gate.plan} |")
    if result.unmeasured:
        lines += ["", "## Not measured", ""] + [f"- `{k}`: {v}" for k, v in result.unmeasured.items()]
    for name, m in result.measurements.items():
        lines += ["", f"## Measurement `{name}` ({m.duration_s:.0f} s)", ""]
        lines += [f"- {k}: {fmt(v)}" for k, v in m.values.items()]
        lines += [f"- note: {note}" for note in m.notes]
        lines += [f"\n![{p.stem}]({p.name})" for p in m.plots]
    lines += ["", "Figures and details: [results.json](results.json).", ""]
    return "\n".join(lines)


def write_reports(result: PhaseResult, stamp: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md = out_dir / "report.md"
    js = out_dir / "results.json"
    md.write_text(markdown(result, stamp), encoding="utf-8")
    js.write_text(json.dumps(results_json(result, stamp), indent=1, default=str) + "\n", encoding="utf-8")
    return md, js
