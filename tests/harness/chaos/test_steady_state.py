"""Steady state first: a run whose 'before' phase did not hold is INVALID, and none of its
later verdicts counts as a pass (result, summary, report, exit code). Judged on hand-made
records, then on real runs against zen_server wired away from the harness's fakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from fakes.testing import FakeProviderProcess
from harness.chaos.hypotheses import Verdict
from harness.chaos.loader import parse_scenario
from harness.chaos.records import CallRecord, RunData, Sample
from harness.chaos.runner import RunOptions, ScenarioResult, run_scenario
from harness.chaos.scenario import Phases
from harness.chaos.steady_state import not_judged, steady_state_failure
from harness.chaos.suite import EXIT_OK, EXIT_RED, EXIT_UNSTEADY, exit_code, write_reports, write_summary

PHASES = {"before": (0.0, 2.0), "during": (2.0, 6.0), "after": (6.0, 10.0)}


def call(start: float, kind: str = "ok") -> CallRecord:
    return CallRecord(worker=0, tool="chat", kind=kind, start=start, latency_s=0.1)


def data(calls: list[CallRecord], fake_requests: list[tuple[float, float]]) -> RunData:
    samples = [Sample(t, v) for t, v in fake_requests]
    return RunData(phases=dict(PHASES), calls=calls, provider_total={"openai": samples}, end=10.0)


def verdict(name: str, phase: str, passed: bool) -> Verdict:
    return Verdict(name, "error_rate", phase, passed, "x", "y")


def test_a_working_wired_target_holds_its_steady_state() -> None:
    run = data([call(0.5), call(1.0), call(3.0, "timeout")], [(0.5, 1), (2.1, 2), (4.0, 3)])
    assert steady_state_failure(run, [verdict("b", "before", True), verdict("d", "during", False)]) is None


def test_a_target_whose_every_call_fails_before_the_fault_is_invalid() -> None:
    run = data([call(0.5, "tool_error"), call(1.0, "tool_error"), call(3.0)], [(2.1, 0)])
    reason = steady_state_failure(run, [])
    assert reason is not None and "none of the 2 calls before the fault succeeded (tool_error)" in reason


def test_calls_that_succeed_without_reaching_the_fakes_mean_the_wiring_is_wrong() -> None:
    run = data([call(0.5), call(1.0)], [(0.5, 0), (2.1, 0), (9.0, 0)])
    reason = steady_state_failure(run, [])
    assert reason is not None and "wiring does not reach the fakes" in reason


def test_a_failed_before_hypothesis_is_the_reason_and_later_verdicts_are_not_counted() -> None:
    run = data([call(0.5)], [(2.1, 1)])
    verdicts = [verdict("steady", "before", False), verdict("deadline", "during", True)]
    reason = steady_state_failure(run, verdicts)
    assert reason == "'steady' failed (x; expected y)"
    marked = not_judged(verdicts, reason)
    assert marked[0] == verdicts[0]
    assert not marked[1].passed and marked[1].observed.startswith("not judged")
    assert "it held" in marked[1].detail


def test_invalid_results_fail_the_summary_report_and_exit_code(tmp_path: Path) -> None:
    scenario = parse_scenario("name: s\nhypotheses: [{type: error_rate, max: 0}]\n", tmp_path / "s.yaml")
    invalid = ScenarioResult(scenario, None, Phases(), data([], []), [verdict("v", "during", False)])
    invalid.invalid = "the target does not work"
    green = ScenarioResult(scenario, None, Phases(), data([], []), [verdict("v", "during", True)])
    assert green.passed and green.status == "PASS"
    assert not invalid.passed and invalid.status == "INVALID"
    assert exit_code([green, invalid]) == EXIT_UNSTEADY
    red = ScenarioResult(scenario, None, Phases(), data([], []), [verdict("v", "during", False)])
    assert exit_code([green, invalid, red]) == EXIT_RED and exit_code([green]) == EXIT_OK
    write_summary([invalid], tmp_path)
    row = json.loads((tmp_path / "summary.json").read_text())["scenarios"][0]
    assert row["passed"] is False and row["status"] == "INVALID" and row["invalid"] == invalid.invalid
    assert "1 INVALID (steady state failed)" in (tmp_path / "summary.md").read_text()
    write_reports(invalid, tmp_path, plots=False)
    assert (tmp_path / "s.md").read_text().startswith("# s: INVALID")
    assert json.loads((tmp_path / "s.json").read_text())["status"] == "INVALID"


MISWIRED = """
name: miswired
target:
  wire_provider_env: false
  env: {{OPENAI_API_KEY: sk-zen-harness-fake-key, OPENAI_BASE_URL: "{url}", ZEN_TOOL_DEADLINE_S: "2"}}
providers:
  - {{name: openai, behaviour: {{default: {{latency: {{fixed_ms: 20}}}}}}}}
load:
  concurrency: 2
  tools: [{{name: chat, arguments: {{model: gpt-5, working_directory_absolute_path: "{{workdir}}"}}}}]
  call_timeout_s: 5
phases: {{before: 1.5, during: 1.5, after: 1}}
method:
  - action: set_behaviour
    provider: openai
    behaviour: {{default: {{faults: [{{kind: hang}}]}}}}
    duration: 1.5
hypotheses:
  - {{name: steady, type: error_rate, phase: before, max: 0.0}}
  - {{name: no call hangs past the deadline, type: latency, phase: during, percentile: 100, max_ms: 3500}}
"""


async def run_miswired(url: str, tmp_path: Path) -> ScenarioResult:
    scenario = parse_scenario(MISWIRED.format(url=url), tmp_path / "miswired.yaml")
    return await run_scenario(scenario, RunOptions(log_dir=tmp_path))


@pytest.mark.chaos
@pytest.mark.slow
async def test_a_target_wired_to_a_dead_address_is_invalid_not_green(tmp_path: Path) -> None:
    # The hanging-provider story: every call fails before the fault, so "no call hangs past the
    # deadline" (fast failures) would read as a pass. It must not count.
    result = await run_miswired("http://127.0.0.1:9/v1", tmp_path)
    assert result.errors == [] and result.status == "INVALID"
    assert result.invalid is not None and "the target does not work" in result.invalid
    assert "'steady' failed" in result.invalid
    late = next(v for v in result.verdicts if v.phase == "during")
    assert not late.passed and "it held" in late.detail


@pytest.mark.chaos
@pytest.mark.slow
async def test_a_target_answering_from_another_provider_is_invalid(tmp_path: Path) -> None:
    behaviour = tmp_path / "elsewhere.yaml"
    behaviour.write_text(yaml.safe_dump({"providers": {"openai": {"default": {"latency": {"fixed_ms": 5}}}}}))
    elsewhere = FakeProviderProcess("openai", behaviour_file=behaviour).start()
    try:
        result = await run_miswired(elsewhere.openai_base_url, tmp_path)
    finally:
        elsewhere.stop()
    assert result.errors == [] and result.status == "INVALID"
    assert result.invalid is not None and "wiring does not reach the fakes" in result.invalid
    assert all(not v.passed for v in result.verdicts if v.phase != "before")
