"""``zen-harness leaks``: zen_server under memray through a load profile, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.leaks.runner import run_leak_check

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def test_leak_check_reports_growth_sites_flamegraphs_and_plot(tmp_path: Path) -> None:
    report = run_leak_check("smoke", out_root=tmp_path)
    out = tmp_path / "smoke"
    data = json.loads((out / "leaks.json").read_text())
    growth = data["growth"]
    assert growth["end_s"] > growth["warm_s"] > 0
    assert growth["rss_warm_mb"] > 20 and growth["heap_warm_mb"] > 5  # a real server was profiled
    assert data["load"]["calls"] > 0 and data["load"]["failures"] == 0
    assert data["top_sites"]["high_water_mark"], "allocation sites are named"
    for name in ("flamegraph.html", "flamegraph-leaks.html", "memory.png", "leaks.md"):
        assert (out / name).stat().st_size > 1000, name
    assert (out / "load" / "smoke" / "report.html").is_file()
    assert report.passed == (growth["rss_growth_mb"] < 100)
    assert "warm-up end" in (out / "leaks.md").read_text()
