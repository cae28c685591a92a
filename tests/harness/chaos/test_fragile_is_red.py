"""The harness can fail: scenarios against a deliberately fragile MCP server come out red
exactly where that server is flawed (no deadline, no breaker, blocking calls, retries
that duplicate turns), and green where it is not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.chaos.loader import parse_scenario
from harness.chaos.runner import RunOptions, ScenarioResult, run_scenario

FRAGILE = Path(__file__).with_name("fragile_server.py")

TARGET = f"""
target:
  kind: command
  transport: stdio
  command: ["{sys.executable}", "{FRAGILE}"]
load:
  concurrency: 4
  tools: [{{name: chat, arguments: {{model: gpt-5}}}}]
  continuation_ratio: 0.8
  call_timeout_s: 4
"""

HANG = (
    TARGET
    + """
providers:
  - {name: openai, behaviour: {default: {latency: {fixed_ms: 20}}}}
phases: {before: 2, during: 4, after: 3}
method:
  - {action: set_behaviour, provider: openai, behaviour: {default: {faults: [{kind: hang}]}}, duration: 3}
hypotheses:
  - {name: steady before, type: error_rate, phase: before, max: 0.0}
  - {name: no call hangs past 2.5 s, type: latency, phase: during, percentile: 100, max_ms: 2500}
  - {name: breaker opens, type: breaker_opens, within_calls: 6, fast_ms: 300}
"""
)

FLAKY = (
    TARGET
    + """
providers:
  - {name: openai, behaviour: {default: {latency: {fixed_ms: 150}}}}
phases: {before: 2, during: 4, after: 2}
method:
  - action: set_behaviour
    provider: openai
    behaviour: {default: {faults: [{kind: error, status: 503, rate: 0.5}]}}
    duration: 4
hypotheses:
  - {name: no lost or duplicated turn, type: conversation_integrity}
  - {name: p95 under 400 ms before, type: latency, phase: before, percentile: 95, max_ms: 400}
  - {type: memory_growth, max_mb: 200}
"""
)


async def run_text(text: str, tmp_path: Path) -> ScenarioResult:
    scenario = parse_scenario(text, tmp_path / "fragile.yaml")
    return await run_scenario(scenario, RunOptions(log_dir=tmp_path))


def verdicts(result: ScenarioResult) -> dict[str, bool]:
    return {v.name: v.passed for v in result.verdicts}


@pytest.mark.chaos
@pytest.mark.slow
async def test_a_hanging_provider_turns_the_deadline_and_breaker_hypotheses_red(tmp_path: Path) -> None:
    result = await run_text(HANG, tmp_path)
    assert result.errors == []
    assert verdicts(result) == {
        "steady before": True,
        "no call hangs past 2.5 s": False,
        "breaker opens": False,
    }
    assert not result.passed
    slowest = next(v for v in result.verdicts if v.kind == "latency")
    assert isinstance(slowest.figures["value_ms"], float) and slowest.figures["value_ms"] > 3500


@pytest.mark.chaos
@pytest.mark.slow
async def test_retries_that_rerecord_turns_and_blocking_calls_are_caught(tmp_path: Path) -> None:
    result = await run_text(FLAKY, tmp_path)
    assert result.errors == []
    outcome = verdicts(result)
    assert outcome["no lost or duplicated turn"] is False
    integrity = next(v for v in result.verdicts if v.kind == "conversation_integrity")
    assert isinstance(integrity.figures["duplicated"], int) and integrity.figures["duplicated"] > 0
    # One blocking call at a time: 4 callers x 150 ms each queue behind each other.
    assert outcome["p95 under 400 ms before"] is False
    # A failed 'before' makes the run INVALID (steady state first): the memory verdict is kept
    # for the record, measured and held, but not counted as a pass.
    memory = next(v for v in result.verdicts if v.name == "memory_growth (run)")
    assert memory.passed is False and "not judged" in memory.detail and "it held" in memory.detail
