"""ClusterTarget's wiring and error paths, with Redis, the cluster and HTTP faked in-process."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

import harness.chaos.environment.redis_server as redis_server
import harness.cluster.cluster as cluster_module
import harness.load.cluster_target as cluster_target
from harness.errors import ClusterToolMissing
from harness.load.cluster_target import ClusterTarget

EVENTS: list[str] = []


class FakeRedis:
    def __init__(self, workdir: Path) -> None:
        self.url = "redis://127.0.0.1:1/0"
        (workdir / "redis.log").write_text("redis log")

    async def start(self) -> None:
        EVENTS.append("redis.start")

    async def stop(self) -> None:
        EVENTS.append("redis.stop")


class FakeCluster:
    fail = False

    def __init__(self, count: int, *, env: Mapping[str, str], redis_url: str, workdir: Path) -> None:
        assert redis_url == "redis://127.0.0.1:1/0" and env == {"K": "V"}
        self.url = "http://127.0.0.1:2"
        self.instances = [SimpleNamespace(name=f"zen-{i}", base_url=f"http://i{i}") for i in range(count)]
        self._workdir = workdir

    async def start(self) -> None:
        EVENTS.append("cluster.start")
        if FakeCluster.fail:
            raise RuntimeError("instance 0 did not come up")

    async def stop(self) -> None:
        EVENTS.append("cluster.stop")


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    EVENTS.clear()
    FakeCluster.fail = False
    monkeypatch.setattr(cluster_target, "missing_cluster_tools", lambda: [])
    monkeypatch.setattr(redis_server, "RedisServer", FakeRedis)
    monkeypatch.setattr(cluster_module, "Cluster", FakeCluster)


def test_missing_tools_are_named_before_anything_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster_target, "missing_cluster_tools", lambda: ["haproxy"])
    with pytest.raises(ClusterToolMissing, match="haproxy"):
        ClusterTarget(2, {}, tmp_path / "logs").__enter__()
    assert not (tmp_path / "logs").exists()


@pytest.mark.usefixtures("fakes")
def test_starts_redis_then_the_cluster_and_stops_in_reverse_keeping_logs(tmp_path: Path) -> None:
    with ClusterTarget(2, {"K": "V"}, tmp_path / "logs") as target:
        assert target.url == "http://127.0.0.1:2"
        assert EVENTS == ["redis.start", "cluster.start"]
    assert EVENTS == ["redis.start", "cluster.start", "cluster.stop", "redis.stop"]
    assert (tmp_path / "logs" / "redis.log").read_text() == "redis log"


@pytest.mark.usefixtures("fakes")
def test_a_failed_cluster_start_tears_down_what_started_and_reraises(tmp_path: Path) -> None:
    FakeCluster.fail = True
    with pytest.raises(RuntimeError, match="did not come up"), ClusterTarget(2, {"K": "V"}, tmp_path / "l"):
        pass  # pragma: no cover - never entered
    assert EVENTS == ["redis.start", "cluster.start", "cluster.stop", "redis.stop"]
    assert (tmp_path / "l" / "redis.log").exists()


@pytest.mark.usefixtures("fakes")
def test_tool_calls_per_instance_sums_every_sample_and_marks_unreachable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    metrics = (
        "# TYPE zen_tool_calls_total counter\n"
        'zen_tool_calls_total{tool="chat",outcome="ok"} 3\n'
        'zen_tool_calls_total{tool="chat",outcome="error"} 2\n'
        "# TYPE other_total counter\nother_total 40\n"
    )

    def fake_get(url: str, timeout: float) -> Any:
        if url.startswith("http://i1"):
            raise httpx.ConnectError("refused")
        assert url == "http://i0/metrics"
        return SimpleNamespace(text=metrics)

    monkeypatch.setattr(httpx, "get", fake_get)
    with ClusterTarget(2, {"K": "V"}, tmp_path / "logs") as target:
        assert target.tool_calls_per_instance() == {"zen-0": 5, "zen-1": None}
