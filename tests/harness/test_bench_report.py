"""The micro-benchmark report: medians against the baseline, a regression past the tolerance fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.bench_report import baseline_from, compare, main


def _run(medians: dict[str, float], load: list[float] | None = None) -> dict[str, Any]:
    return {
        "machine_info": {"node": "vm", "loadavg": load or [1.0, 1.0, 1.0]},
        "commit_info": {"id": "abc123"},
        "datetime": "2026-11-28T22:00:00",
        "benchmarks": [
            {"name": name, "stats": {"median": m, "rounds": 10, "data": [m] * 10}}
            for name, m in medians.items()
        ],
    }


def test_ratio_is_now_over_baseline_and_missing_sides_are_kept() -> None:
    rows = {c.name: c for c in compare(_run({"a": 1e-6, "gone": 1e-6}), _run({"a": 3e-6, "new": 2e-6}))}
    assert rows["a"].ratio == 3.0
    assert rows["a"].regressed(2.0) and not rows["a"].regressed(3.5)
    assert rows["new"].ratio is None and not rows["new"].regressed(2.0)
    assert rows["gone"].now_s is None


def test_baseline_keeps_medians_and_load_but_not_raw_samples() -> None:
    base = baseline_from(_run({"a": 1e-6}, load=[4.5, 4.0, 2.0]))
    assert base["benchmarks"] == [{"name": "a", "stats": {"median": 1e-6, "rounds": 10}}]
    assert base["machine"]["loadavg"] == [4.5, 4.0, 2.0]
    assert base["commit"] == "abc123"


def test_compare_writes_the_report_and_fails_past_the_tolerance(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(baseline_from(_run({"a": 1e-6, "b": 1e-6}))))
    run = tmp_path / "run.json"
    run.write_text(json.dumps(_run({"a": 1.5e-6, "b": 2.5e-6}, load=[7.0, 6.0, 5.0])))
    out = tmp_path / "out"
    assert main(["compare", str(run), "--baseline", str(baseline), "--out", str(out)]) == 1
    report = (out / "report.md").read_text()
    assert "**FAIL**: 1 of 2 medians above 2x" in report
    assert "| b | 1,000 | 2,500 | 2.50 | regressed |" in report
    assert "[7.0, 6.0, 5.0]" in report  # the load the run was measured under
    assert (
        main(["compare", str(run), "--baseline", str(baseline), "--out", str(out), "--tolerance", "3"]) == 0
    )
