"""``zen-harness load``: real headless Locust runs against zen_server, over HTTP and stdio."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from harness.load.runner import run_profile

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def stats_rows(out_dir: Path) -> dict[str, dict[str, str]]:
    with open(out_dir / "locust_stats.csv", newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def test_http_profile_runs_headless_and_keeps_csv_html_and_summary(tmp_path: Path) -> None:
    run = run_profile("smoke", out_root=tmp_path, time_scale=0.5)
    out = tmp_path / "smoke"
    assert (out / "report.html").stat().st_size > 10_000
    rows = stats_rows(out)
    # Every MCP call is its own Locust entry, named after the tool; continuations apart.
    assert {"initialize", "chat", "Aggregated"} <= set(rows)
    assert any(name.endswith("[cont]") for name in rows), "the mix continues conversations"
    assert rows["chat"]["Type"] == "MCP"
    assert int(rows["chat"]["Failure Count"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["calls"] == run.summary.calls > 0
    assert summary["handshakes"] == 5, "one handshake per user of the ramp"
    # 200 ms fake latency: every chat waits for it (how far above is the machine's business).
    assert float(rows["chat"]["Median Response Time"]) >= 150
    assert run.passed, run.checks


def test_stdio_profile_each_user_runs_its_own_server(tmp_path: Path) -> None:
    # Each user starts a server first (seconds on a busy machine), so the hold is kept long
    # enough that calls follow the handshakes; how many is throughput, not asserted here.
    run = run_profile("smoke-stdio", out_root=tmp_path, time_scale=1.5)
    rows = stats_rows(tmp_path / "smoke-stdio")
    assert int(rows["initialize"]["Request Count"]) == 2
    assert int(rows["Aggregated"]["Failure Count"]) == 0
    assert run.summary.calls > 0


def test_a_server_that_fails_every_call_turns_the_slo_checks_red(tmp_path: Path) -> None:
    profile = tmp_path / "broken.yaml"
    profile.write_text(
        "name: broken\nshape: {kind: ramp, users: 2, ramp_s: 1, hold_s: 3}\nwait_s: [0.1, 0.2]\n"
        "mix: {tools: [{tool: no_such_tool, weight: 1}]}\n"
    )
    run = run_profile(str(profile), out_root=tmp_path)
    assert run.summary.calls > 0
    assert run.summary.error_rate == 1.0
    assert not run.passed
    assert [c.name for c in run.checks if not c.passed] == ["error rate"]
