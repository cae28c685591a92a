"""The upstream page: the plan's metrics with Current taken from the baseline's results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.baseline.page import page
from harness.stamp import stamp


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))


def test_page_fills_current_from_the_baseline_and_keeps_the_commands(tmp_path: Path) -> None:
    gate = {"metric": "p95 latency", "target": "< 2", "unit": "s", "plan": "Response time (P95) < 2 seconds"}
    _write(tmp_path / "phase1" / "results.json",
           {"phase": "phase1", "gates": [gate | {"measured": 1.03, "verdict": "pass"}]})  # fmt: skip
    _write(tmp_path / "phase1" / "baseline-pal" / "results.json",
           {"phase": "phase1", "gates": [gate | {"measured": 2.47, "verdict": "fail"}]})  # fmt: skip
    _write(tmp_path / "chaos" / "summary.json", {"scenarios": [{"name": "slow-drip", "passed": True}]})
    _write(tmp_path / "chaos" / "baseline-pal" / "summary.json",
           {"scenarios": [{"name": "slow-drip", "passed": False, "failed": ["latency"]}]})  # fmt: skip
    commands = {"phase1": "zen-harness gate phase1 --compare baseline:pal", "chaos": "zen-harness run x"}
    made = stamp(Path.cwd())
    text = page(tmp_path, "baseline:pal (pal-mcp-server 11.8.2)", commands, made)
    assert (
        "| Response time (P95) < 2 seconds | < 2 | 2.47 s (misses) | 1.03 s "
        "| `zen-harness gate phase1 --compare baseline:pal`: p95 latency |"
    ) in text
    assert "| slow-drip | **FAIL**: latency | PASS |" in text
    assert "- chaos: `zen-harness run x`" in text
