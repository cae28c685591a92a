"""Human-readable results: ``<scenario>.md`` per run and ``summary.md`` over all of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.chaos.runner import ScenarioResult
from harness.stamp import stamp_lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def scenario_markdown(result: ScenarioResult, plot: Path | None) -> str:
    s = result.scenario
    lines = [f"# {s.title or s.name}: {result.status}", ""]
    if result.invalid is not None:
        lines += [
            f"**INVALID: the steady state did not hold, so no later verdict counts:** {result.invalid}",
            "",
        ]
    if s.proves:
        lines += [f"**Proves:** {s.proves}", ""]
    if s.description:
        lines += [s.description.strip(), ""]
    p = result.phases
    scale = f" (timeline x{result.time_scale:g})" if result.time_scale != 1.0 else ""
    lines += [
        f"Run {result.started_at}, {result.duration_s:.1f}s; phases before {p.before:g}s,"
        f" during {p.during:g}s, after {p.after:g}s{scale}; {len(result.data.calls)} calls.",
        "",
    ]
    if s.full_length:
        lines += [f"Runs at full length under --quick: {s.full_length}", ""]
    lines += [
        "| hypothesis | phase | verdict | observed | expected |",
        "| --- | --- | --- | --- | --- |",
    ]
    for v in result.verdicts:
        verdict = "PASS" if v.passed else "**FAIL**"
        lines.append(
            f"| {_cell(v.name)} | {v.phase} | {verdict} | {_cell(v.observed)} | {_cell(v.expected)} |"
        )
    details = [v for v in result.verdicts if v.detail]
    if details:
        lines += ["", "Details:"] + [f"- {v.name}: {_cell(v.detail)}" for v in details]
    if result.errors:
        lines += ["", "## Harness errors", ""] + [f"- {_cell(e)}" for e in result.errors]
    if result.data.actions:
        lines += ["", "## Timeline", ""]
        lines += [
            f"- {t:6.2f}s {what}" + (f" (FAILED: {err})" if err else "")
            for t, what, err in result.data.actions
        ]
    if plot is not None:
        lines += ["", f"![latency, errors and calls in flight]({plot.name})"]
    return "\n".join(lines) + "\n"


def summary_markdown(
    results: list[ScenarioResult], made: dict[str, Any] | None = None, target: str = "zen_server"
) -> str:
    green = sum(1 for r in results if r.passed)
    invalid = sum(1 for r in results if r.status == "INVALID")
    counted = f", {invalid} INVALID (steady state failed)" if invalid else ""
    lines = [
        "# Chaos summary",
        "",
        f"{green} of {len(results)} scenarios green{counted}, target {target}.",
        "",
    ]
    if made is not None:
        lines += [*stamp_lines(made), ""]
    lines += [
        "| scenario | result | verdicts | run time | what it proves |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in results:
        held = sum(1 for v in r.verdicts if v.passed)
        status = "PASS" if r.passed else f"**{r.status}**"
        link = f"[{r.scenario.name}]({r.scenario.name}.md)"
        held_text = f"{held}/{len(r.verdicts)} held"
        took = f"{r.duration_s:.1f}s" + (f" (x{r.time_scale:g})" if r.time_scale != 1.0 else "")
        lines.append(f"| {link} | {status} | {held_text} | {took} | {_cell(r.scenario.proves)} |")
    scales = {r.time_scale for r in results}
    if scales != {1.0}:
        lines += ["", "Timelines scaled (--time-scale / --quick); full length where a scenario says why:"]
        lines += [f"- {r.scenario.name}: {r.scenario.full_length}" for r in results if r.scenario.full_length]
    for r in results:
        lines += ["", f"## {r.scenario.name}", ""]
        if r.invalid is not None:
            lines += [f"- INVALID {_cell(r.invalid)}"]
        lines += [
            f"- {'PASS' if v.passed else 'FAIL'} {v.name}: {_cell(v.observed)} ({v.expected})"
            for v in r.verdicts
        ]
        lines += [f"- ERROR {_cell(e)}" for e in r.errors]
    return "\n".join(lines) + "\n"
