"""``harness.chaos.suite`` edges: loading, baselines, interrupts, compare and exit codes,
with the scenario runner and the baseline faked (no servers, no sleeps)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rich.console import Console

from harness.baseline.registry import Baseline
from harness.chaos import suite
from harness.chaos.baseline import Planned
from harness.chaos.scenario import Scenario
from harness.chaos.suite import BaselinePlan, NotApplicable, RunRequest
from harness.errors import HarnessError

LIBRARY = Path(__file__).resolve().parents[3] / "scenarios"
TWO = [LIBRARY / "latency-spike.yaml", LIBRARY / "hanging-provider.yaml"]


def _console() -> Console:
    return Console(record=True, width=200, force_terminal=False)


def _baseline() -> Baseline:
    return Baseline("up", ["pal==1"], ["pal"], "stdio", "pal", {"pal": "1"})


@pytest.fixture(autouse=True)
def _all_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suite, "missing_reason", lambda scenario: None)


def _result(name: str, passed: bool = True, status: str = "PASS", invalid: str | None = None) -> Any:
    return SimpleNamespace(
        scenario=SimpleNamespace(name=name), passed=passed, status=status, invalid=invalid, duration_s=0.1
    )


def test_exit_code_orders_red_over_invalid() -> None:
    assert suite.exit_code([]) == suite.EXIT_OK
    assert suite.exit_code([_result("a"), _result("b")]) == suite.EXIT_OK
    assert suite.exit_code([_result("a"), _result("b", False, "INVALID")]) == suite.EXIT_UNSTEADY
    red = [_result("a", False, "INVALID"), _result("b", False, "FAIL")]
    assert suite.exit_code(red) == suite.EXIT_RED


def test_target_text() -> None:
    assert suite._target_text(None) == "zen_server"
    assert suite._target_text({"kind": "http", "url": "http://x"}) == "http: http://x"
    assert suite._target_text({"kind": "stdio", "command": ["a", "b"]}) == "stdio: a b"
    assert suite._target_text({"kind": "stdio"}) == "stdio: "


def test_not_applicable_markdown() -> None:
    assert suite.not_applicable_markdown([], {"a": []}) == ""
    text = suite.not_applicable_markdown([NotApplicable("s", "no proxy")], {"s": ["reads X"], "t": []})
    assert "| s | no proxy |" in text
    assert "- s: reads X" in text and "- t" not in text
    only_notes = suite.not_applicable_markdown([], {"s": ["a", "b"]})
    assert "Not applicable" not in only_notes and "- s: a; b" in only_notes


def test_load_all_no_files(tmp_path: Path) -> None:
    console = _console()
    assert suite.load_all(RunRequest(paths=[tmp_path]), console) is None
    assert "no scenario files" in console.export_text()


def test_load_all_reports_every_invalid_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("just a string\n", encoding="utf-8")
    console = _console()
    assert suite.load_all(RunRequest(paths=[tmp_path]), console) is None
    out = console.export_text()
    assert "a.yaml" in out and "b.yaml" in out


def test_load_all_only_filter_and_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = suite.load_all(RunRequest(paths=TWO, only=["latency-spike"]), _console())
    assert loaded is not None and [s.name for _, s in loaded] == ["latency-spike"]

    def reason(scenario: Scenario) -> str | None:
        return "needs toxiproxy" if scenario.name == "hanging-provider" else None

    monkeypatch.setattr(suite, "missing_reason", reason)
    unavailable: list[NotApplicable] = []
    loaded = suite.load_all(RunRequest(paths=TWO), _console(), None, unavailable)
    assert loaded is not None and [s.name for _, s in loaded] == ["latency-spike"]
    assert unavailable == [NotApplicable("hanging-provider", "needs toxiproxy")]
    # without a list to report them in, unavailable scenarios still load
    loaded = suite.load_all(RunRequest(paths=TWO), _console())
    assert loaded is not None and len(loaded) == 2


def test_load_all_target_override_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    first = suite.load_all(RunRequest(paths=TWO[:1]), _console())
    assert first is not None
    override = first[0][1].target.model_dump()
    loaded = suite.load_all(RunRequest(paths=TWO[:1], target_override=override), _console())
    assert loaded is not None and loaded[0][1].target.model_dump() == override


def test_load_all_on_baseline_plans_each_scenario(monkeypatch: pytest.MonkeyPatch) -> None:
    def plan(baseline: Baseline, scenario: Scenario) -> Planned:
        if scenario.name == "hanging-provider":
            return Planned(None, "cannot wire a hang")
        return Planned(scenario.target.model_dump(), None, ["ignores TIMEOUT"])

    monkeypatch.setattr(suite, "plan", plan)
    on_baseline = BaselinePlan(_baseline())
    loaded = suite.load_all(RunRequest(paths=TWO), _console(), on_baseline)
    assert loaded is not None and [s.name for _, s in loaded] == ["latency-spike"]
    assert on_baseline.not_applicable == [NotApplicable("hanging-provider", "cannot wire a hang")]
    assert on_baseline.notes == {"latency-spike": ["ignores TIMEOUT"]}


def test_run_files_baseline_that_does_not_start_is_harness_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(suite, "resolve", lambda target: _baseline())

    def check_starts(baseline: Baseline) -> list[str]:
        raise HarnessError("did not answer tools/list")

    monkeypatch.setattr(suite, "check_starts", check_starts)
    console = _console()
    request = RunRequest(paths=TWO, reports=tmp_path, baseline="baseline:up")
    assert suite.run_files(request, console) == suite.EXIT_HARNESS
    assert "did not answer tools/list" in console.export_text()


def test_run_files_check_only_on_started_baseline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(suite, "resolve", lambda target: _baseline())
    monkeypatch.setattr(suite, "check_starts", lambda baseline: ["chat", "listmodels"])
    monkeypatch.setattr(suite, "plan", lambda b, s: Planned(s.target.model_dump()))
    console = _console()
    request = RunRequest(paths=TWO, reports=tmp_path, baseline="baseline:up", check_only=True)
    assert suite.run_files(request, console) == suite.EXIT_OK
    out = console.export_text()
    assert "answers: 2 tools" in out and "2 scenario(s) valid" in out


def test_run_files_invalid_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("nope: 1\n", encoding="utf-8")
    assert suite.run_files(RunRequest(paths=[tmp_path], reports=tmp_path / "r"), _console()) == 2


class _FakeAnyio:
    def __init__(self, outcomes: list[Any]) -> None:
        self.outcomes = outcomes

    def run(self, *args: Any) -> Any:
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def _fake_run(monkeypatch: pytest.MonkeyPatch, outcomes: list[Any]) -> list[list[str]]:
    summaries: list[list[str]] = []
    monkeypatch.setattr(suite, "anyio", _FakeAnyio(outcomes))
    monkeypatch.setattr(suite, "write_reports", lambda result, reports, plots: None)
    monkeypatch.setattr(suite, "print_verdicts", lambda console, results: None)

    def write_summary(results: list[Any], reports: Path, **kw: Any) -> None:
        summaries.append([r.scenario.name for r in results])

    monkeypatch.setattr(suite, "write_summary", write_summary)
    return summaries


def test_interrupt_after_first_scenario_writes_partial_summary(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summaries = _fake_run(monkeypatch, [_result("latency-spike"), KeyboardInterrupt()])
    console = _console()
    assert suite.run_files(RunRequest(paths=TWO, reports=tmp_path), console) == suite.EXIT_INTERRUPTED
    assert summaries == [["latency-spike"]]
    assert "interrupted" in console.export_text()


def test_interrupt_before_any_result_writes_no_summary(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summaries = _fake_run(monkeypatch, [KeyboardInterrupt()])
    assert suite.run_files(RunRequest(paths=TWO, reports=tmp_path), _console()) == suite.EXIT_INTERRUPTED
    assert summaries == []


def test_invalid_and_unavailable_are_printed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(
        suite, "missing_reason", lambda s: "needs redis" if s.name == "hanging-provider" else None
    )
    _fake_run(monkeypatch, [_result("latency-spike", False, "INVALID", "no baseline traffic")])
    console = _console()
    assert suite.run_files(RunRequest(paths=TWO, reports=tmp_path), console) == suite.EXIT_UNSTEADY
    out = console.export_text()
    assert "steady state failed: no baseline traffic" in out
    assert "N/A hanging-provider: needs redis" in out


def _fake_files(monkeypatch: pytest.MonkeyPatch, codes: dict[str, int]) -> list[RunRequest]:
    seen: list[RunRequest] = []
    real = suite.run_files

    def run_files(request: RunRequest, console: Console | None = None) -> int:
        if request.compare is not None:
            return real(request, console)
        seen.append(request)
        which = "before" if request.baseline else "after"
        request.reports.mkdir(parents=True, exist_ok=True)
        summary = {"target": f"{which}-target", "scenarios": [{"name": "s", "passed": which == "after"}]}
        (request.reports / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
        (request.reports / "summary.md").write_text("# summary\n", encoding="utf-8")
        return codes[which]

    monkeypatch.setattr(suite, "run_files", run_files)
    return seen


@pytest.mark.parametrize("before_code", [suite.EXIT_INVALID, suite.EXIT_HARNESS, suite.EXIT_INTERRUPTED])
def test_compare_stops_when_baseline_run_cannot_be_scored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, before_code: int
) -> None:
    seen = _fake_files(monkeypatch, {"before": before_code, "after": 0})
    request = RunRequest(paths=TWO, reports=tmp_path, compare="baseline:up")
    assert suite.run_compared(request, _console()) == before_code
    assert len(seen) == 1 and seen[0].reports == tmp_path / "baseline-up"


def test_compare_interrupted_after_run_returns_130_without_table(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fake_files(monkeypatch, {"before": 1, "after": suite.EXIT_INTERRUPTED})
    request = RunRequest(paths=TWO, reports=tmp_path, compare="baseline:up")
    assert suite.run_compared(request, _console()) == suite.EXIT_INTERRUPTED
    assert "Before/after" not in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_compare_appends_table_and_returns_zen_servers_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen = _fake_files(monkeypatch, {"before": 1, "after": 0})
    request = RunRequest(paths=TWO, reports=tmp_path, compare="baseline:up")
    assert suite.run_files(request) == 0
    assert [r.baseline for r in seen] == ["baseline:up", None]
    text = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| scenario | before: before-target | after: zen_server |" in text
    assert "| s | **FAIL**:  | PASS |" in text
