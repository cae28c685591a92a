"""``zen-harness gate PHASE --compare baseline:NAME`` end to end: zen_server over HTTP, then
an installed baseline (a real venv running zen_server over stdio), one before/after table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

GATES = """
version: 1
measurements:
  burst: {kind: concurrency, concurrent: 4, sessions: 2, provider_latency_ms: 50, levels: [4],
          call_timeout_s: 20}
  compat: {kind: tools_compat, compat_file: compat/pal-11.8.2-tools.json}
phases:
  small:
    title: a small phase
    gates:
      - {name: calls completed, measure: burst, value: completed, op: ">=", target: 4}
      - {name: tools incompatible, measure: compat, value: incompatible, op: "==", target: 0}
"""


def test_gate_compare_measures_the_baseline_over_stdio_and_tables_both(
    installed_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gates = tmp_path / "gates.yaml"
    gates.write_text(GATES)
    reports = tmp_path / "reports"
    code = main(
        ["gate", "small", "--gates", str(gates), "--reports", str(reports), "--compare", "baseline:fake"]
    )
    assert code == 0, capsys.readouterr()
    before = json.loads((reports / "small" / "baseline-fake" / "results.json").read_text())
    rows = {row["metric"]: row for row in before["gates"]}
    assert rows["calls completed"]["measured"] == 4 and rows["calls completed"]["verdict"] == "pass"
    # An HTTP-only measurement (one server process to ask) says why it was not made.
    assert rows["tools incompatible"]["verdict"] == "not measured"
    assert "not applicable to baseline:fake" in rows["tools incompatible"]["reason"]
    report = (reports / "small" / "report.md").read_text()
    assert "| calls completed | >= 4 | 4 (pass) | 4 (pass) |" in report
    assert "## Before/after: the same gates" in report
