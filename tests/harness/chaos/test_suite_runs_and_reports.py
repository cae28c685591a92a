"""Running a set of scenario files: everything is validated first, a scenario that cannot
reach its target is a harness error (rollbacks still run), a green run writes its reports,
and Ctrl-C keeps the results already finished."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from rich.console import Console

import harness.chaos.suite as suite
from harness.chaos.errors import ScenarioError
from harness.chaos.loader import load_scenario, parse_scenario
from harness.chaos.records import RunData
from harness.chaos.runner import RunOptions, ScenarioResult, run_scenario
from harness.chaos.scenario import Phases
from harness.chaos.suite import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_RED,
    RunRequest,
    load_all,
    run_files,
)

FRAGILE = Path(__file__).with_name("fragile_server.py")

GREEN = f"""
name: echo-steady
proves: echo answers
target: {{kind: command, transport: stdio, command: ["{sys.executable}", "{FRAGILE}"]}}
providers: []  # echo reaches no model: no fake to prove the wiring with (steady state first)
load:
  concurrency: 2
  tools: [{{name: echo, arguments: {{text: hi}}, prompt_argument: null, continuation_argument: null}}]
phases: {{before: 0.3, during: 0.4, after: 0.3}}
method:
  - {{action: run_command, command: ["{sys.executable}", "-c", "pass"]}}
hypotheses:
  - {{type: error_rate, max: 0}}
"""

UNREACHABLE = f"""
name: unreachable
target:
  kind: command
  transport: stdio
  command: ["{sys.executable}", "-c", "raise SystemExit(4)"]
  startup_timeout_s: 1
phases: {{before: 1, during: 1, after: 1}}
rollbacks:
  - {{action: run_command, command: ["{sys.executable}", "-c", "raise SystemExit(5)"]}}
hypotheses:
  - {{type: error_rate, max: 0}}
"""


def quiet() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=200, color_system=None), out


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "scenarios" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_an_empty_directory_and_an_invalid_file_are_exit_2(tmp_path: Path) -> None:
    console, out = quiet()
    (tmp_path / "empty").mkdir()
    assert run_files(RunRequest([tmp_path / "empty"]), console) == EXIT_INVALID
    assert "no scenario files in" in out.getvalue()
    write(tmp_path, "a.yaml", GREEN)
    bad = write(tmp_path, "b.yaml", "load: {concurrency: 0}\nhypotheses: [{type: error_rate, max: 0}]\n")
    assert run_files(RunRequest([tmp_path / "scenarios"], check_only=True), console) == EXIT_INVALID
    assert f"{bad}:1: load.concurrency:" in out.getvalue()


def test_check_only_validates_and_only_and_target_override_select(tmp_path: Path) -> None:
    console, out = quiet()
    write(tmp_path, "a.yaml", GREEN)
    write(tmp_path, "b.yaml", GREEN.replace("echo-steady", "other"))
    assert run_files(RunRequest([tmp_path / "scenarios"], check_only=True), console) == EXIT_OK
    assert "2 scenario(s) valid" in out.getvalue()
    override = {"kind": "url", "url": "http://127.0.0.1:1/mcp"}
    loaded = load_all(RunRequest([tmp_path / "scenarios"], only=["other"], target_override=override), console)
    assert loaded is not None and [s.name for _, s in loaded] == ["other"]
    assert loaded[0][1].target.kind == "url"


def test_loader_rejects_non_lists_non_mappings_duplicates_and_unreadable_files(tmp_path: Path) -> None:
    def issues(text: str) -> list[str]:
        with pytest.raises(ScenarioError) as caught:
            parse_scenario(text, Path("s.yaml"))
        return [str(issue) for issue in caught.value.issues]

    assert issues("- just a list\n") == ["s.yaml:1: <root>: a scenario is a YAML mapping"]
    assert "s.yaml:1: hypotheses: must be a list" in issues("hypotheses: {type: error_rate}\n")
    assert "s.yaml:2: hypotheses.0: must be a mapping" in issues("hypotheses:\n  - error_rate\n")
    dupes = "providers: [{name: a}, {name: a}]\nhypotheses: [{type: error_rate, max: 0}]\n"
    assert issues(dupes) == ["s.yaml:1: providers: provider names must be unique"]
    late = "phases: {during: 1, after: 1}\nmethod:\n  - {action: reset_providers, at: 5}\n" \
           "hypotheses: [{type: error_rate, max: 0}]\n"  # fmt: skip
    assert issues(late) == ["s.yaml:3: method.0.at: is after the run ends"]
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")


@pytest.mark.slow
def test_a_green_run_writes_reports_and_exits_0(tmp_path: Path) -> None:
    console, out = quiet()
    scenario = write(tmp_path, "a.yaml", GREEN)
    reports = tmp_path / "reports"
    assert run_files(RunRequest([scenario], reports=reports, plots=False), console) == EXIT_OK
    summary = json.loads((reports / "summary.json").read_text())
    assert summary["passed"] is True and summary["scenarios"][0]["name"] == "echo-steady"
    assert (reports / "echo-steady.md").read_text().startswith("# echo-steady: PASS")
    report = json.loads((reports / "echo-steady.json").read_text())
    assert report["passed"] is True and report["summary"]["calls"] > 0 and report["summary"]["failed"] == 0
    assert (reports / "logs" / "echo-steady.target.log").exists()
    assert "PASS echo-steady (" in out.getvalue()
    assert "PASS echo-steady: error_rate (during): 0.0% (0/" in out.getvalue()  # off a terminal: lines


async def test_an_unreachable_target_is_a_harness_error_and_rollbacks_still_run(tmp_path: Path) -> None:
    scenario = parse_scenario(UNREACHABLE, Path("unreachable.yaml"))
    result = await run_scenario(scenario, RunOptions(log_dir=tmp_path))
    assert not result.passed
    assert result.verdicts == []  # no calls: no verdict at all, never a green one
    assert any("no MCP session with the target" in e for e in result.errors)
    assert any(e.startswith("rollback run ") and "exited 5" in e for e in result.errors)
    # The built-in rollbacks followed the failed one.
    assert [what for _, what, _ in result.data.actions][-2:] == ["remove every toxic", "reset every provider"]


def test_ctrl_c_keeps_finished_results_and_exits_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", GREEN)
    write(tmp_path, "b.yaml", GREEN.replace("echo-steady", "second"))
    runs: list[str] = []

    async def fake_run(scenario: object, options: RunOptions, file: Path) -> ScenarioResult:
        assert not isinstance(scenario, str)
        name = getattr(scenario, "name", "")
        runs.append(name)
        if len(runs) == 2:
            raise KeyboardInterrupt
        return ScenarioResult(scenario, file, Phases(), RunData(phases={}), errors=["x"])  # type: ignore[arg-type]

    monkeypatch.setattr(suite, "run_scenario", fake_run)
    console, out = quiet()
    reports = tmp_path / "reports"
    assert (
        run_files(RunRequest([tmp_path / "scenarios"], reports=reports, plots=False), console)
        == EXIT_INTERRUPTED
    )
    assert runs == ["echo-steady", "second"]
    assert "interrupted" in out.getvalue()
    summary = json.loads((reports / "summary.json").read_text())
    assert [s["name"] for s in summary["scenarios"]] == ["echo-steady"]
    assert summary["passed"] is False


def test_a_red_result_is_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", GREEN)

    async def fake_run(scenario: object, options: RunOptions, file: Path) -> ScenarioResult:
        return ScenarioResult(scenario, file, Phases(), RunData(phases={}), errors=["red"])  # type: ignore[arg-type]

    monkeypatch.setattr(suite, "run_scenario", fake_run)
    console, out = quiet()
    assert (
        run_files(RunRequest([tmp_path / "scenarios"], reports=tmp_path / "r", plots=False), console)
        == EXIT_RED
    )
    assert "FAIL echo-steady" in out.getvalue()
