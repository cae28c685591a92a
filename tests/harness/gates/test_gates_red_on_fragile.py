"""The same gates, red against deliberately fragile servers and a monolithic, failing codebase.

The fragile server (tests/harness/chaos/fragile_server.py) blocks its event loop on every
provider call and has no metrics; the leaky one keeps 30 MB more every second once called.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.gates.evaluate import PhaseResult

RunGates = Callable[..., PhaseResult]


def verdicts(result: PhaseResult) -> dict[str, str]:
    return {o.gate.name: o.verdict for o in result.outcomes}


pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_concurrency_and_monitoring_gates_are_red_on_a_blocking_server(
    run_gates: RunGates, fragile_http: list[str]
) -> None:
    result = run_gates("phase1", {"burst", "monitoring"}, server=fragile_http)
    seen = verdicts(result)
    assert seen["errors among 100 concurrent calls"] == "fail"
    assert seen["p95 latency at 100 concurrent (1 s provider)"] == "fail"
    assert seen["concurrent calls completed"] == "fail"
    assert seen["monitoring coverage"] == "fail", "no /metrics at all"
    assert result.verdict == "red"
    burst = result.measurements["burst"]
    # One call at a time at the provider: the server serialises everything.
    assert burst.values["provider_max_in_flight"] == 1
    assert burst.details["levels"][0]["outcomes"].get("timeout", 0) > 50


def test_memory_gate_is_red_on_a_leaking_server(run_gates: RunGates, leaky_http: list[str]) -> None:
    # The same gate and figure; only the soak is short (CI may; the full one is --full).
    result = run_gates(
        "phase1",
        {"soak"},
        server=leaky_http,
        overrides={"soak": {"duration_s": 8, "warmup_s": 2, "workers": 8}},
    )
    assert verdicts(result)["memory growth over the soak"] == "fail"
    assert result.measurements["soak"].values["growth_mb"] > 100  # type: ignore[operator]
    assert (result.measurements["soak"].plots[0]).name == "memory_over_time.png"


def test_tools_compat_gate_is_red_when_tools_differ_from_upstream(
    run_gates: RunGates, fragile_http: list[str]
) -> None:
    result = run_gates("phase2", {"compat"}, server=fragile_http)
    assert verdicts(result)["tools incompatible with upstream"] == "fail"
    problems = result.measurements["compat"].details["problems"]
    assert "absolute_file_paths" in " ".join(problems["chat"])


def test_server_lines_gate_is_red_for_a_monolithic_server_py(run_gates: RunGates, tmp_path: Path) -> None:
    repo = tmp_path / "monolith"
    (repo / "zen_server").mkdir(parents=True)
    (repo / "zen_server" / "server.py").write_text("x = 1\n" * 1531)  # the original's size
    result = run_gates("phase2", {"server_lines"}, repo_root=repo)
    assert verdicts(result) == {"server.py lines": "fail"}
    assert result.measurements["server_lines"].values["lines"] == 1531


def test_suite_gate_is_red_when_a_test_fails(run_gates: RunGates, tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "test_sample.py").write_text(
        "def test_ok():\n    pass\n\ndef test_broken():\n    assert 1 == 2\n"
    )
    result = run_gates("phase2", {"suite"}, overrides={"suite": {"pytest_args": ["-q", str(suite)]}})
    assert verdicts(result) == {"failed tests": "fail", "tests run": "pass"}
    assert result.measurements["suite"].values["failed"] == 1


@pytest.mark.parametrize(("covered", "verdict"), [(850, "fail"), (950, "pass")])
def test_coverage_gate_reads_branch_coverage(
    run_gates: RunGates, tmp_path: Path, covered: int, verdict: str
) -> None:
    data = tmp_path / "coverage.json"
    data.write_text(json.dumps({"totals": {"num_branches": 1000, "covered_branches": covered}, "files": {}}))
    result = run_gates("coverage", {"coverage"}, coverage_json=data)
    assert verdicts(result) == {"branch coverage": verdict}
