"""Running a set of scenario files: load and validate them all, run each, write reports.

Every file is validated before anything runs, so a typo in the tenth scenario is caught
in the first second. Results go to ``<reports>/<scenario>.{json,md,png}`` (default
``runs/chaos``, ignored by git) and the summary to ``<reports>/summary.{md,json}``, stamped
with the commit and machine (stable paths: the latest run is what they show).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import anyio
from rich.console import Console

from harness.baseline.registry import Baseline
from harness.baseline.tables import chaos_table
from harness.chaos.baseline import check_starts, plan, resolve
from harness.chaos.errors import ScenarioError
from harness.chaos.live import RichRunView, print_verdicts
from harness.chaos.loader import load_scenario, scenario_files
from harness.chaos.plots import plot_run
from harness.chaos.prerequisites import missing_reason
from harness.chaos.report_json import write_json
from harness.chaos.report_md import scenario_markdown, summary_markdown
from harness.chaos.runner import RunOptions, ScenarioResult, run_scenario
from harness.chaos.scenario import Scenario, TargetSpec
from harness.errors import HarnessError
from harness.outputs import run_dir
from harness.stamp import stamp

EXIT_OK, EXIT_RED, EXIT_INVALID, EXIT_HARNESS, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_UNSTEADY = 4  # no scenario red, but at least one INVALID: its steady state failed


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
    baseline: str | None = None  # "baseline:NAME": run against that installed baseline
    compare: str | None = None  # "baseline:NAME": also run it, and table it beside zen_server


@dataclass(frozen=True)
class NotApplicable:
    """A scenario whose fault wiring cannot apply to the target: reported, never run."""

    name: str
    reason: str


@dataclass
class BaselinePlan:
    """The baseline a run targets, and what its scenarios' plans said."""

    baseline: Baseline
    not_applicable: list[NotApplicable] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)


def load_all(
    request: RunRequest,
    console: Console,
    on_baseline: BaselinePlan | None = None,
    unavailable: list[NotApplicable] | None = None,
) -> list[tuple[Path, Scenario]] | None:
    """Every scenario file, validated; those this machine cannot run go to ``unavailable``."""
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
        if request.only and scenario.name not in request.only:
            continue
        if on_baseline is not None:
            planned = plan(on_baseline.baseline, scenario)
            if planned.override is None:
                on_baseline.not_applicable.append(NotApplicable(scenario.name, planned.not_applicable or ""))
                continue
            on_baseline.notes[scenario.name] = planned.notes
            scenario = scenario.model_copy(update={"target": TargetSpec.model_validate(planned.override)})
        reason = missing_reason(scenario)
        if reason is not None and unavailable is not None:
            unavailable.append(NotApplicable(scenario.name, reason))
            continue
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
    on_baseline: BaselinePlan | None = None,
    unavailable: list[NotApplicable] | None = None,
) -> None:
    """``summary.md`` / ``summary.json``: every scenario's outcome, the target, and the stamp
    (commit, machine) that ``zen-harness reference`` requires before publishing a run."""
    reports.mkdir(parents=True, exist_ok=True)
    made = made if made is not None else stamp(Path.cwd())
    skipped = (on_baseline.not_applicable if on_baseline is not None else []) + (unavailable or [])
    notes = on_baseline.notes if on_baseline is not None else {}
    text = summary_markdown(results, made, target) + not_applicable_markdown(skipped, notes)
    (reports / "summary.md").write_text(text, encoding="utf-8")
    summary = {
        "passed": all(r.passed for r in results),
        "target": target,
        "stamp": made,
        "scenarios": [
            {"name": r.scenario.name, "passed": r.passed, "status": r.status, "invalid": r.invalid,
             "duration_s": round(r.duration_s, 2),
             "time_scale": r.time_scale, "failed": [v.name for v in r.verdicts if not v.passed],
             "errors": r.errors, "notes": notes.get(r.scenario.name, [])}
            for r in results
        ],
        "not_applicable": [{"name": n.name, "reason": n.reason} for n in skipped],
    }  # fmt: skip
    (reports / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")


def _target_text(override: dict[str, Any] | None) -> str:
    if override is None:
        return "zen_server"
    what = override.get("url") or " ".join(override.get("command") or [])
    return f"{override.get('kind')}: {what}"


def not_applicable_markdown(skipped: list[NotApplicable], notes: dict[str, list[str]]) -> str:
    """Scenarios not run (not applicable to a baseline, or a program this machine lacks) and
    the settings a baseline does not read."""
    lines: list[str] = []
    if skipped:
        lines += ["", "## Not applicable to this target", "", "| scenario | why |", "| --- | --- |"]
        lines += [f"| {n.name} | {n.reason} |" for n in skipped]
    noted = {name: found for name, found in notes.items() if found}
    if noted:
        lines += ["", "## Settings the target does not read", ""]
        lines += [f"- {name}: {'; '.join(found)}" for name, found in noted.items()]
    return "\n".join(lines) + ("\n" if lines else "")


def _baseline_plan(request: RunRequest, console: Console) -> BaselinePlan | None:
    """The run's baseline, started once to prove it answers (raises BaselineError if not)."""
    if request.baseline is None:
        return None
    baseline = resolve(request.baseline)
    console.print(f"checking that {baseline.label} starts ...")
    tools = check_starts(baseline)
    console.print(f"{baseline.label} answers: {len(tools)} tools")
    return BaselinePlan(baseline)


def run_compared(request: RunRequest, console: Console | None = None) -> int:
    """The scenarios on the baseline (into ``<reports>/baseline-NAME/``), then on zen_server,
    and a before/after table at the end of zen_server's ``summary.md``."""
    assert request.compare is not None
    console = console or Console()
    before_dir = request.reports / f"baseline-{request.compare.removeprefix('baseline:')}"
    before = replace(request, baseline=request.compare, compare=None, reports=before_dir)
    code_before = run_files(before, console)
    if code_before in (EXIT_INVALID, EXIT_HARNESS, EXIT_INTERRUPTED):
        return code_before
    code = run_files(replace(request, compare=None), console)
    if code == EXIT_INTERRUPTED:
        return code
    before_summary = json.loads((before_dir / "summary.json").read_text(encoding="utf-8"))
    after_summary = json.loads((request.reports / "summary.json").read_text(encoding="utf-8"))
    table = chaos_table(before_summary, after_summary, before_summary.get("target", request.compare))
    summary_md = request.reports / "summary.md"
    summary_md.write_text(summary_md.read_text(encoding="utf-8") + "\n" + table, encoding="utf-8")
    console.print(table, markup=False, highlight=False, soft_wrap=True)
    return code  # the verdict is zen_server's; the baseline's reds are the "before"


def run_files(request: RunRequest, console: Console | None = None) -> int:
    console = console or Console()
    if request.compare is not None:
        return run_compared(request, console)
    try:
        on_baseline = _baseline_plan(request, console)
    except HarnessError as exc:
        console.print(f"harness error: {exc}", markup=False, highlight=False, soft_wrap=True)
        return EXIT_HARNESS
    unavailable: list[NotApplicable] = []
    loaded = load_all(request, console, on_baseline, unavailable)
    if loaded is None:
        return EXIT_INVALID
    if request.check_only:
        console.print(f"{len(loaded)} scenario(s) valid")
        return EXIT_OK
    results: list[ScenarioResult] = []
    target = on_baseline.baseline.label if on_baseline else _target_text(request.target_override)
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
            mark = "[green]PASS[/]" if result.passed else f"[bold red]{result.status}[/]"
            console.print(f"{mark} {scenario.name} ({result.duration_s:.1f}s)")
            if result.invalid is not None:
                console.print(f"  steady state failed: {result.invalid}", markup=False, highlight=False)
    except KeyboardInterrupt:
        console.print(
            "interrupted: the running scenario's rollbacks have run; partial results are not written"
        )
        if results:
            write_summary(
                results, request.reports, target=target, on_baseline=on_baseline, unavailable=unavailable
            )
        return EXIT_INTERRUPTED
    write_summary(results, request.reports, target=target, on_baseline=on_baseline, unavailable=unavailable)
    for skipped in (on_baseline.not_applicable if on_baseline is not None else []) + unavailable:
        console.print(f"N/A {skipped.name}: {skipped.reason}", markup=False, highlight=False)
    print_verdicts(console, results)
    console.print(f"reports in {request.reports}/ (summary.md)")
    return exit_code(results)


def exit_code(results: list[ScenarioResult]) -> int:
    """0 all green; 1 any red or harness error; 4 otherwise when a scenario was INVALID."""
    if all(r.passed for r in results):
        return EXIT_OK
    if all(r.passed or r.status == "INVALID" for r in results):
        return EXIT_UNSTEADY
    return EXIT_RED
