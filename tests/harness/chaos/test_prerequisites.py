"""A scenario that needs redis-server or HAProxy on a machine without it: not applicable,
with the install line, outside CI; under CI=true it runs (and fails, saying what is missing)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from harness.chaos.loader import load_scenario
from harness.chaos.prerequisites import missing_reason, needed_programs
from harness.chaos.suite import EXIT_OK, RunRequest, run_files

LIBRARY = Path(__file__).resolve().parents[3] / "scenarios"


def test_each_kind_of_scenario_names_the_programs_it_needs() -> None:
    assert needed_programs(load_scenario(LIBRARY / "latency-spike.yaml")) == []
    assert needed_programs(load_scenario(LIBRARY / "redis-outage.yaml")) == ["redis-server"]
    assert needed_programs(load_scenario(LIBRARY / "cluster" / "instance-kill.yaml")) == [
        "redis-server",
        "haproxy",
    ]


def test_a_missing_redis_server_is_a_reason_outside_ci_and_none_under_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing installed
    scenario = load_scenario(LIBRARY / "redis-outage.yaml")
    reason = missing_reason(scenario, {"CI": "false"})
    assert reason is not None and "redis-server" in reason and "apt-get install redis-server" in reason
    assert missing_reason(scenario, {"CI": "true"}) is None
    assert missing_reason(load_scenario(LIBRARY / "latency-spike.yaml"), {}) is None


def test_the_suite_reports_it_not_applicable_and_stays_green(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("CI", raising=False)
    reports = tmp_path / "reports"
    request = RunRequest(paths=[LIBRARY / "redis-outage.yaml"], reports=reports, plots=False)
    console = Console(record=True, width=200)
    assert run_files(request, console) == EXIT_OK
    summary = json.loads((reports / "summary.json").read_text())
    assert summary["scenarios"] == []
    assert [n["name"] for n in summary["not_applicable"]] == ["redis-outage"]
    assert "N/A redis-outage: needs redis-server" in console.export_text()
