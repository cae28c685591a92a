"""Running a set of scenario files: load and validate them all, run each, write reports.

Every file is validated before anything runs, so a typo in the tenth scenario is caught
in the first second. Results go to ``<reports>/<scenario>.{json,md,png}`` (default
``runs/chaos``, ignored by git) and the summary to ``<reports>/summary.{md,json}``, stamped
with the commit and machine (stable paths: the latest run is what they show).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from rich.console import Console

from harness.chaos.errors import ScenarioError
from harness.chaos.live import RichRunView, print_verdicts
from harness.chaos.loader import load_scenario, scenario_files
from harness.chaos.plots import plot_run
from harness.chaos.report_json import write_json
from harness.chaos.report_md import scenario_markdown, summary_markdown
from harness.chaos.runner import RunOptions, ScenarioResult, run_scenario
from harness.chaos.scenario import Scenario, TargetSpec
from harness.outputs import run_dir
from harness.stamp import stamp

EXIT_OK, EXIT_RED, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 130


@dataclass
class RunRequest:
    paths: list[Path]
    reports: Path = field(default_factory=lambda: run_dir("chaos"))
    time_scale: float = 1.0
    seed: int = 7
    only: list[str] = field(default_factory=list)
    target_override: dict[str, Any] | None = None
    plots: bool = True
    check_only: bool = False


def load_all(request: RunRequest, console: Console) -> list[tuple[Path, Scenario]] | None:
    loaded: list[tuple[Path, Scenario]] = []
    problems: list[str] = []
    files = scenario_files(request.paths)
    if not files:
        console.print(f"no scenario files in {', '.join(map(str, request.paths))}")
        return None
    for file in files:
        try:
            scenario = load_scenario(file)
        except ScenarioError as exc:
            problems.extend(str(issue) for issue in exc.issues)
            continue
        if request.target_override is not None:
            scenario = scenario.model_copy(
                update={"target": TargetSpec.model_validate(request.target_override)}
            )
        if not request.only or scenario.name in request.only:
            loaded.append((file, scenario))
    for problem in problems:
        console.print(problem, markup=False, highlight=False, soft_wrap=True)
    return None if problems else loaded


def write_reports(result: ScenarioResult, reports: Path, plots: bool) -> None:
    name = result.scenario.name
    plot = (
        plot_run(result.data, f"{name}: {'PASS' if result.passed else 'FAIL'}", reports / f"{name}.png")
        if plots
        else None
    )
    write_json(result, reports / f"{name}.json")
    (reports / f"{name}.md").write_text(scenario_markdown(result, plot), encoding="utf-8")


def write_summary(
    results: list[ScenarioResult],
    reports: Path,
    *,
    made: dict[str, Any] | None = None,
    target: str = "zen_server",
) -> None:
    """``summary.md`` / ``summary.json``: every scenario's outcome, the target, and the stamp
    (commit, machine) that ``zen-harness reference`` requires before publishing a run."""
    reports.mkdir(parents=True, exist_ok=True)
    made = made if made is not None else stamp(Path.cwd())
    (reports / "summary.md").write_text(summary_markdown(results, made, target), encoding="utf-8")
    summary = {
        "passed": all(r.passed for r in results),
        "target": target,
        "stamp": made,
        "scenarios": [
            {"name": r.scenario.name, "passed": r.passed, "duration_s": round(r.duration_s, 2),
             "time_scale": r.time_scale, "failed": [v.name for v in r.verdicts if not v.passed],
             "errors": r.errors}
            for r in results
        ],
    }  # fmt: skip
    (reports / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")


def _target_text(override: dict[str, Any] | None) -> str:
    if override is None:
        return "zen_server"
    what = override.get("url") or " ".join(override.get("command") or [])
    return f"{override.get('kind')}: {what}"


def run_files(request: RunRequest, console: Console | None = None) -> int:
    console = console or Console()
    loaded = load_all(request, console)
    if loaded is None:
        return EXIT_INVALID
    if request.check_only:
        console.print(f"{len(loaded)} scenario(s) valid")
        return EXIT_OK
    results: list[ScenarioResult] = []
    target = _target_text(request.target_override)
    options = RunOptions(
        time_scale=request.time_scale,
        seed=request.seed,
        log_dir=request.reports / "logs",
        view=lambda: RichRunView(console),
    )
    try:
        for file, scenario in loaded:
            result = anyio.run(run_scenario, scenario, options, file)
            results.append(result)
            write_reports(result, request.reports, request.plots)
            mark = "[green]PASS[/]" if result.passed else "[bold red]FAIL[/]"
            console.print(f"{mark} {scenario.name} ({result.duration_s:.1f}s)")
    except KeyboardInterrupt:
        console.print(
            "interrupted: the running scenario's rollbacks have run; partial results are not written"
        )
        if results:
            write_summary(results, request.reports, target=target)
        return EXIT_INTERRUPTED
    write_summary(results, request.reports, target=target)
    print_verdicts(console, results)
    console.print(f"reports in {request.reports}/ (summary.md)")
    return EXIT_OK if all(r.passed for r in results) else EXIT_RED
