"""Cluster scenarios: the loader's checks for cluster actions, and the two cluster hypotheses."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.chaos.errors import ScenarioError
from harness.chaos.hypotheses.action_done import ActionDone
from harness.chaos.hypotheses.in_flight_only import FailuresInFlightOnly
from harness.chaos.loader import load_scenario, parse_scenario
from harness.chaos.records import CallRecord, FaultWindow, RunData

CLUSTER_LIBRARY = Path(__file__).resolve().parents[3] / "scenarios" / "cluster"
PHASES = {"before": (0.0, 2.0), "during": (2.0, 6.0), "after": (6.0, 10.0)}


def issues_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, Path("s.yaml"))
    return [str(issue) for issue in caught.value.issues]


def test_every_cluster_scenario_in_the_library_loads() -> None:
    files = sorted(CLUSTER_LIBRARY.glob("*.yaml"))
    assert {f.stem for f in files} >= {
        "instance-kill",
        "rolling-restart",
        "cross-instance-continuation",
        "redis-restart-cluster",
    }
    for file in files:
        scenario = load_scenario(file)
        assert scenario.target.kind == "cluster" and scenario.redis is not None


def test_cluster_actions_need_a_cluster_target_and_an_existing_instance() -> None:
    text = (
        "name: x\nmethod:\n  - {action: kill_instance, instance: 1}\n"
        "hypotheses:\n  - {type: error_rate, max: 0}\n"
    )
    assert issues_of(text) == [
        "s.yaml:3: method.0.action: acts on cluster instances: needs target: {kind: cluster, instances: N}",
    ]
    text = (
        "name: x\ntarget: {kind: cluster, instances: 2}\nredis: {}\n"
        "method:\n  - {action: term_instance, instance: 2}\nhypotheses:\n  - {type: error_rate, max: 0}\n"
    )
    assert issues_of(text) == ["s.yaml:5: method.0.instance: no instance 2: the cluster has 2 (0-based)"]


def test_a_cluster_target_needs_redis_and_http() -> None:
    joined = " ".join(
        issues_of("name: x\ntarget: {kind: cluster}\nhypotheses:\n  - {type: error_rate, max: 0}\n")
    )
    assert "add a 'redis:' section" in joined
    joined = " ".join(
        issues_of(
            "name: x\ntarget: {kind: cluster, transport: stdio}\nredis: {}\n"
            "hypotheses:\n  - {type: error_rate}\n"
        )
    )
    assert "reached over HTTP" in joined


def call(start: float, latency: float, kind: str = "ok") -> CallRecord:
    return CallRecord(worker=0, tool="chat", kind=kind, start=start, latency_s=latency, error="cut")


def run_with(calls: list[CallRecord], *, fault_at: float = 3.0) -> RunData:
    return RunData(
        phases=dict(PHASES),
        calls=calls,
        windows=[FaultWindow("instance1:down", "kill -9 instance 1", fault_at)],
        end=10.0,
    )


def test_failures_of_calls_in_flight_at_the_kill_pass_and_later_ones_fail() -> None:
    rule = FailuresInFlightOnly(type="failures_in_flight_only", max_failed=2, within_s=1.0)
    caught = [call(2.8, 0.3, "transport_error"), call(2.9, 0.3, "transport_error"), call(3.5, 0.1)]
    verdict = rule.evaluate(run_with(caught))
    assert verdict.passed, verdict
    assert verdict.figures["failed_calls"] == 2
    assert verdict.figures["failures_for_s"] == pytest.approx(0.2)

    late = rule.evaluate(run_with([*caught, call(4.0, 0.1, "transport_error")]))
    assert not late.passed and late.figures["failed_after_fault"] == 1
    too_many = rule.evaluate(run_with([*caught, call(2.7, 0.4, "timeout")]))
    assert not too_many.passed
    lasting = FailuresInFlightOnly(type="failures_in_flight_only", max_failed=5, within_s=0.1)
    assert not lasting.evaluate(run_with(caught)).passed


def test_action_done_needs_the_action_logged_without_error_in_time() -> None:
    rule = ActionDone(type="action_done", action="rolling restart", by_s=20)
    data = RunData(phases=dict(PHASES), end=30.0)
    assert not rule.evaluate(data).passed  # never logged: the run ended first
    data.actions = [(12.0, "rolling restart of every instance", None)]
    assert rule.evaluate(data).passed
    data.actions = [(25.0, "rolling restart of every instance", None)]
    assert not rule.evaluate(data).passed
    data.actions = [(12.0, "rolling restart of every instance", "ActionError: zen2 did not exit 0")]
    assert not rule.evaluate(data).passed
