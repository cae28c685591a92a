"""Reports carry the figures behind each verdict; the CLI's exit status follows the verdicts."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from harness.chaos.hypotheses.latency import Latency
from harness.chaos.loader import parse_scenario
from harness.chaos.records import CallRecord, FaultWindow, RunData, Sample
from harness.chaos.runner import ScenarioResult
from harness.chaos.suite import EXIT_INVALID, RunRequest, run_files, write_reports, write_summary

SCENARIO = "name: demo\nproves: it works\nhypotheses:\n  - {type: latency, max_ms: 100}\n"


def result(tmp_path: Path) -> ScenarioResult:
    scenario = parse_scenario(SCENARIO, tmp_path / "demo.yaml")
    data = RunData(
        phases={"before": (0.0, 1.0), "during": (1.0, 2.0), "after": (2.0, 3.0)},
        calls=[CallRecord(0, "chat", "ok", 1.2, 0.05), CallRecord(0, "chat", "timeout", 1.5, 0.5)],
        in_flight=[Sample(1.0, 1.0), Sample(2.0, 0.0)],
        windows=[FaultWindow("k", "a fault", 1.0, 2.0)],
        end=3.0,
    )
    verdict = Latency(type="latency", max_ms=100).evaluate(data)
    return ScenarioResult(scenario, None, scenario.phases, data, verdicts=[verdict], duration_s=3.0)


def test_reports_hold_the_verdict_figures_and_a_plot(tmp_path: Path) -> None:
    res = result(tmp_path)
    write_reports(res, tmp_path, plots=True)
    write_summary([res], tmp_path)
    document = json.loads((tmp_path / "demo.json").read_text())
    assert document["passed"] is False
    assert document["verdicts"][0]["figures"] == {"value_ms": 500.0, "calls": 2}
    assert document["fault_windows"][0]["label"] == "a fault"
    assert len(document["calls"]["rows"]) == 2
    assert (tmp_path / "demo.png").stat().st_size > 10_000
    assert "p95 = 500 ms over 2 calls" in (tmp_path / "demo.md").read_text()
    assert "0 of 1 scenarios green" in (tmp_path / "summary.md").read_text()


def test_an_invalid_file_exits_2_before_anything_runs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nhypotheses:\n  - {type: nope}\n")
    console = Console(record=True, width=200)
    code = run_files(RunRequest(paths=[tmp_path], reports=tmp_path / "r"), console)
    assert code == EXIT_INVALID
    assert "bad.yaml:3: hypotheses.0.type: unknown type 'nope'" in console.export_text()
