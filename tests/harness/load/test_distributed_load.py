"""The ``cluster`` profile: a Locust master and 2 workers against a cluster the run starts itself
(its own redis-server, zen_server instances in distributed mode, HAProxy). Needs haproxy and
redis-server: skipped with the reason without them, failed under CI=true."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from harness.load.errors import LoadError
from harness.load.profile import load_profile, profile_path
from harness.load.runner import locust_command, run_profile
from tests.conftest import need_cluster_tools

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def brief_cluster_profile(tmp_path: Path) -> Path:
    """The bundled profile, shortened: 2 instances, 4 users, a few seconds."""
    data = yaml.safe_load(profile_path("cluster").read_text(encoding="utf-8"))
    data["target"] = {"kind": "cluster", "instances": 2}
    data["shape"] = {"kind": "ramp", "users": 4, "ramp_s": 1, "hold_s": 5}
    path = tmp_path / "cluster-brief.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_both_workers_call_the_cluster_and_the_totals_are_their_sum(tmp_path: Path) -> None:
    need_cluster_tools()
    run = run_profile(str(brief_cluster_profile(tmp_path)), out_root=tmp_path / "runs")
    out = tmp_path / "runs" / "cluster"
    summary = json.loads((out / "summary.json").read_text())
    workers = summary["workers"]
    assert [w["worker"] for w in workers] == ["worker-1", "worker-2"]
    assert len({w["pid"] for w in workers}) == 2, "two worker processes"
    assert all(w["calls"] > 0 for w in workers), workers
    for figure in ("calls", "failures", "handshakes", "handshake_failures"):
        assert summary[figure] == sum(w[figure] for w in workers), figure
    assert summary["handshakes"] == 4, "one handshake per user, split over the workers"
    assert summary["failures"] == 0
    assert run.passed, run.checks
    # The run's own cluster served it, both instances took calls, and their logs are kept.
    per_instance = summary["tool_calls_per_instance"]
    assert set(per_instance) == {"zen1", "zen2"}
    assert all(count > 0 for count in per_instance.values()), per_instance
    assert {"zen1.log", "zen2.log"} <= {p.name for p in (out / "logs").iterdir()}


def test_the_cluster_profile_runs_a_master_and_two_workers(tmp_path: Path) -> None:
    profile = load_profile("cluster")
    command = locust_command(profile, "http://127.0.0.1:9/mcp", tmp_path, stop_timeout_s=5)
    assert command[command.index("--processes") + 1] == "2"
    assert "--processes" not in locust_command(load_profile("smoke"), "h", tmp_path, stop_timeout_s=5)


def test_a_stdio_profile_cannot_take_a_url(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="runs over stdio"):
        run_profile("smoke-stdio", out_root=tmp_path, target_url="http://127.0.0.1:9/mcp")
