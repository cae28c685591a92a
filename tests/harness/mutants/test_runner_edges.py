"""The mutant runner's branches with subprocess, the tree copy and the stamp faked: no real runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from harness.mutants import runner
from harness.mutants.catalogue import Defect, MutantError
from harness.mutants.runner import DefectOutcome

MADE: dict[str, Any] = {
    "date": "2026-01-01T00:00:00+00:00",
    "commit": "abc",
    "dirty": False,
    "machine": {"cores": 2, "memory_gb": 4.0, "os": "Linux", "python": "3.11"},
}


def _defect(checks: list[str], id: str = "d") -> Defect:
    return Defect(id=id, promise="p", file="f.py", find="a", replace="b", checks=checks)


class FakeRun:
    """Stands in for ``subprocess.run``: the probe, then one scripted action per harness call."""

    def __init__(
        self, copy: Path, actions: list[Any], probe_out: str | None = None, probe_rc: int = 0
    ) -> None:
        self.copy = copy
        self.actions = actions
        self.probe_out = probe_out
        self.probe_rc = probe_rc
        self.commands: list[list[str]] = []

    def __call__(self, command: list[str], **kwargs: Any) -> Any:
        self.commands.append(command)
        if command[1] == "-c":
            out = self.probe_out if self.probe_out is not None else f"{self.copy}/z.py {self.copy}/h.py"
            return SimpleNamespace(returncode=self.probe_rc, stdout=out, stderr="boom")
        action = self.actions.pop(0)
        if isinstance(action, BaseException):
            raise action
        return SimpleNamespace(returncode=action(command) if callable(action) else action)


@pytest.fixture
def copy_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "copy"
    copy.mkdir()

    def fake_copy(root: Path, defect: Defect | None, into: Path) -> Path:
        return copy

    monkeypatch.setattr(runner, "copy_with_defect", fake_copy)
    return copy


def _install(monkeypatch: pytest.MonkeyPatch, fake: FakeRun) -> None:
    monkeypatch.setattr(subprocess, "run", fake)  # the runner calls subprocess.run


def _one_check_run(
    monkeypatch: pytest.MonkeyPatch,
    copy_dir: Path,
    tmp_path: Path,
    check: str,
    ends: int | BaseException,
    reports: str = "r",
) -> DefectOutcome:
    """One defect with one check, its harness call ending as ``ends`` says (exit code or raise)."""
    _install(monkeypatch, FakeRun(copy_dir, [ends]))
    return runner.run_defect(_defect([check]), tmp_path, tmp_path / reports, 1.0)


def _reports_arg(command: list[str], flag: str) -> Path:
    return Path(command[command.index(flag) + 1])


def test_rotation_returns_everything_when_asked_for_more_and_defaults_to_today() -> None:
    defects = [_defect(["s"], id=f"d{i}") for i in range(3)]
    assert runner.rotation(defects, 5) == defects
    today = runner.rotation(defects, 1)
    assert len(today) == 1 and today[0] in defects
    assert runner.rotation(defects, 2, day=1) == [defects[2], defects[0]]


def test_the_environment_points_pythonpath_at_the_copy(tmp_path: Path) -> None:
    assert runner._environment(tmp_path)["PYTHONPATH"] == str(tmp_path)


def test_all_green_needs_every_check_pass_and_no_problem() -> None:
    assert DefectOutcome("d", "p", {"a": "PASS"}).all_green
    assert not DefectOutcome("d", "p", {"a": "PASS", "b": "FAIL"}).all_green
    assert not DefectOutcome("d", "p", {"a": "PASS"}, problem="x").all_green


def test_a_defect_that_does_not_apply_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(root: Path, defect: Defect | None, into: Path) -> Path:
        raise MutantError("anchor gone")

    monkeypatch.setattr(runner, "copy_with_defect", refuse)
    outcome = runner.run_defect(_defect(["s"]), tmp_path, tmp_path / "reports", 1.0)
    assert outcome.problem == "anchor gone" and outcome.checks == {"s": "not run"}
    assert not outcome.caught and (tmp_path / "reports" / "d").is_dir()


def test_the_control_is_copied_without_a_defect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Defect | None] = []

    def record(root: Path, defect: Defect | None, into: Path) -> Path:
        seen.append(defect)
        raise MutantError("stop")

    monkeypatch.setattr(runner, "copy_with_defect", record)
    runner.run_defect(runner.control_for([_defect(["s"])]), tmp_path, tmp_path / "r", 1.0)
    assert seen == [None]


@pytest.mark.parametrize(("out", "rc"), [("/elsewhere/z.py /elsewhere/h.py", 0), (None, 1)])
def test_a_probe_that_imports_other_code_is_a_problem(
    tmp_path: Path, copy_dir: Path, monkeypatch: pytest.MonkeyPatch, out: str | None, rc: int
) -> None:
    fake = FakeRun(copy_dir, [], probe_out=out, probe_rc=rc)
    _install(monkeypatch, fake)
    outcome = runner.run_defect(_defect(["s"]), tmp_path, tmp_path / "r", 1.0)
    assert outcome.problem is not None and outcome.problem.startswith("the copy's code is not what runs")
    assert len(fake.commands) == 1  # no scenario ran


def test_scenario_statuses_are_read_from_the_summary(
    tmp_path: Path, copy_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def write_summary(command: list[str]) -> int:
        rows = [
            {"name": "a", "status": "INVALID"},
            {"name": "b", "passed": True},
            {"name": "c", "passed": False},
        ]
        (_reports_arg(command, "--reports") / "summary.json").write_text(json.dumps({"scenarios": rows}))
        return 1

    fake = FakeRun(copy_dir, [write_summary])
    _install(monkeypatch, fake)
    outcome = runner.run_defect(_defect(["a", "b", "c"]), tmp_path, tmp_path / "r", 0.5)
    assert outcome.problem is None
    assert outcome.checks == {"a": "INVALID", "b": "PASS", "c": "FAIL"}
    assert outcome.caught
    command = fake.commands[1]
    assert command[command.index("--time-scale") + 1] == "0.5" and "--no-plots" in command
    assert command[command.index("run") + 1 : command.index("--reports")] == ["a", "b", "c"]


def test_a_scenario_run_without_summary_or_over_budget_is_a_problem(
    tmp_path: Path, copy_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome = _one_check_run(monkeypatch, copy_dir, tmp_path, "s", 0)
    assert outcome.problem is not None and "wrote no summary" in outcome.problem
    outcome = _one_check_run(monkeypatch, copy_dir, tmp_path, "s", subprocess.TimeoutExpired("x", 1), "r2")
    assert outcome.problem is not None and "took over 600s" in outcome.problem


def _gates(monkeypatch: pytest.MonkeyPatch) -> None:
    gates = [SimpleNamespace(measure=m) for m in ("latency", "memory", "errors")]
    spec = SimpleNamespace(phase=lambda name: SimpleNamespace(gates=gates))
    monkeypatch.setattr(runner, "load_gates", lambda path: spec)


@pytest.mark.parametrize(
    ("verdicts", "status"),
    [(["pass"], "PASS"), (["pass", "fail"], "FAIL"), (["not measured"], "FAIL")],
)
def test_a_gate_check_skips_the_other_measurements_and_reads_its_verdict(
    tmp_path: Path, copy_dir: Path, monkeypatch: pytest.MonkeyPatch, verdicts: list[str], status: str
) -> None:
    _gates(monkeypatch)

    def write_results(command: list[str]) -> int:
        results = _reports_arg(command, "--reports") / "p3" / "results.json"
        results.parent.mkdir(parents=True)
        rows = [{"measurement": "latency", "verdict": v} for v in verdicts]
        rows.append({"measurement": "memory", "verdict": "fail"})  # another measurement: ignored
        results.write_text(json.dumps({"gates": rows}))
        return 0

    fake = FakeRun(copy_dir, [write_results])
    _install(monkeypatch, fake)
    outcome = runner.run_defect(_defect(["gate:p3:latency"]), tmp_path, tmp_path / "r", 1.0)
    assert outcome.problem is None and outcome.checks == {"gate:p3:latency": status}
    command = fake.commands[1]
    skipped = [command[i + 1] for i, part in enumerate(command) if part == "--skip"]
    assert skipped == ["errors", "memory"] and command[command.index("gate") + 1] == "p3"


def test_a_gate_run_without_results_or_over_budget_is_a_problem(
    tmp_path: Path, copy_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _gates(monkeypatch)
    outcome = _one_check_run(monkeypatch, copy_dir, tmp_path, "gate:p3:latency", 0)
    assert outcome.problem is not None and "wrote no results" in outcome.problem
    outcome = _one_check_run(
        monkeypatch, copy_dir, tmp_path, "gate:p3:latency", subprocess.TimeoutExpired("x", 1), "r2"
    )
    assert outcome.problem == "the gate run took over 600s"


@pytest.mark.parametrize(("rc", "status"), [(0, "PASS"), (1, "FAIL")])
def test_a_leak_check_is_green_on_exit_0_and_red_on_exit_1(
    tmp_path: Path, copy_dir: Path, monkeypatch: pytest.MonkeyPatch, rc: int, status: str
) -> None:
    fake = FakeRun(copy_dir, [rc])
    _install(monkeypatch, fake)
    outcome = runner.run_defect(_defect(["leaks:steady:512"]), tmp_path, tmp_path / "r", 1.0)
    assert outcome.problem is None and outcome.checks == {"leaks:steady:512": status}
    command = fake.commands[1]
    assert command[command.index("leaks") + 1] == "steady"
    assert command[command.index("--max-bytes-per-call") + 1] == "512"


def test_a_leak_check_that_crashed_or_hung_is_a_problem(
    tmp_path: Path, copy_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome = _one_check_run(monkeypatch, copy_dir, tmp_path, "leaks:steady:512", 2)
    assert outcome.problem is not None and "failed to measure (exit 2)" in outcome.problem
    assert outcome.checks == {"leaks:steady:512": "not run"}
    outcome = _one_check_run(
        monkeypatch, copy_dir, tmp_path, "leaks:steady:512", subprocess.TimeoutExpired("x", 1), "r2"
    )
    assert outcome.problem == "the leak check took over 600s"


def test_after_a_problem_the_later_checks_do_not_run(
    tmp_path: Path, copy_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeRun(copy_dir, [0])  # the scenario run writes no summary: a problem
    _install(monkeypatch, fake)
    outcome = runner.run_defect(
        _defect(["s", "gate:p3:latency", "leaks:steady:1"]), tmp_path, tmp_path / "r", 1.0
    )
    assert outcome.problem is not None and len(fake.commands) == 2
    assert outcome.checks["gate:p3:latency"] == "not run" and outcome.checks["leaks:steady:1"] == "not run"


def test_run_catalogue_keeps_the_order_and_passes_the_time_scale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scales: list[float] = []

    def fake_run(defect: Defect, root: Path, reports: Path, time_scale: float) -> DefectOutcome:
        scales.append(time_scale)
        return DefectOutcome(defect.id, defect.promise)

    monkeypatch.setattr(runner, "run_defect", fake_run)
    defects = [_defect(["s"], id=f"d{i}") for i in range(4)]
    outcomes = runner.run_catalogue(defects, tmp_path, tmp_path, jobs=0, time_scale=2.0)
    assert [o.id for o in outcomes] == ["d0", "d1", "d2", "d3"] and scales == [2.0] * 4


def test_without_a_control_nothing_is_discounted() -> None:
    outcome = DefectOutcome("d", "p", {"a": "FAIL"})
    assert runner.discount_false_alarms([outcome], None) == []
    assert outcome.checks == {"a": "FAIL"}


def test_a_pass_on_a_noisy_check_is_left_alone() -> None:
    control = DefectOutcome("control", "c", {"a": "FAIL"})
    outcome = DefectOutcome("d", "p", {"a": "PASS", "b": "FAIL"})
    assert runner.discount_false_alarms([outcome], control) == ["a"]
    assert outcome.checks == {"a": "PASS", "b": "FAIL"}


def test_the_matrix_marks_escapes_problems_and_the_control() -> None:
    caught = DefectOutcome("caught-one", "p1", {"s": "FAIL"}, duration_s=1.5)
    escaped = DefectOutcome("escaped-one", "p2", {"s": "PASS"})
    broken = DefectOutcome("broken-one", "p3", {"s": "not run"}, problem="anchor gone")
    control = DefectOutcome("control", "c", {"s": "PASS"})
    text = runner.matrix_markdown([caught, escaped, broken], MADE, control)
    assert "1 of 3 defects caught" in text
    assert "Control (the tree without a defect): s: PASS." in text
    assert "| caught-one | p1 | yes | s: FAIL | 1.5s |" in text
    assert "| escaped-one | p2 | **NO** | s: PASS |" in text
    assert "**NO** (anchor gone)" in text
    assert "- commit: `abc`" in text
    assert "Control" not in runner.matrix_markdown([caught], MADE, None)


@pytest.mark.parametrize(
    ("control_checks", "escaped", "passed"),
    [(None, False, True), ({"s": "PASS"}, False, True), ({"s": "FAIL"}, False, False), (None, True, False)],
)
def test_write_matrix_passes_only_when_all_caught_and_the_control_is_green(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    control_checks: dict[str, str] | None,
    escaped: bool,
    passed: bool,
) -> None:
    monkeypatch.setattr(runner, "stamp", lambda repo: MADE)
    outcomes = [DefectOutcome("d", "p", {"s": "FAIL"})]
    if escaped:
        outcomes.append(DefectOutcome("e", "p", {"s": "PASS"}))
    control = None if control_checks is None else DefectOutcome("control", "c", control_checks)
    reports = tmp_path / "out" / "mutants"
    runner.write_matrix(outcomes, reports, control)
    document = json.loads((reports / "matrix.json").read_text(encoding="utf-8"))
    assert document["passed"] is passed and document["caught"] == 1
    assert document["defects"][0]["caught"] is True and document["stamp"] == MADE
    assert (document["control"] is None) is (control is None)
    assert (reports / "matrix.md").read_text(encoding="utf-8").startswith("# Seeded defects")
