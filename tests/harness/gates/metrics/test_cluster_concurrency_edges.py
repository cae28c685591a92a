"""The cluster-concurrency gate with its cluster, redis, sessions and providers faked."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import harness.chaos.environment.redis_server as redis_server
import harness.cluster.cluster as cluster_module
import harness.cluster.tools as cluster_tools
import harness.gates.plots as gate_plots
from harness.errors import ClusterToolMissing
from harness.gates.errors import NotMeasured
from harness.gates.metrics import cluster_concurrency as cc
from harness.gates.metrics.base import MeasureContext

EVENTS: list[str] = []


def params(**overrides: Any) -> cc.Params:
    return cc.Params(kind="cluster_concurrency", concurrent=4, sessions_per_instance=2, **overrides)


def test_missing_tools_names_each_absent_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_haproxy() -> str:
        raise ClusterToolMissing("no haproxy")

    monkeypatch.setattr(cluster_tools, "haproxy_executable", no_haproxy)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert cc.missing_tools() == ["haproxy", "redis-server"]
    monkeypatch.setattr(cluster_tools, "haproxy_executable", lambda: "/usr/sbin/haproxy")
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    assert cc.missing_tools() == []


def test_without_the_tools_the_gate_is_not_measured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(cc, "missing_tools", lambda: ["haproxy", "redis-server"])
    with pytest.raises(NotMeasured, match="apt-get install haproxy redis-server"):
        cc.measure(params(), MeasureContext(out_dir=tmp_path, log=lambda _: None))


class FakeRedis:
    def __init__(self, workdir: Path) -> None:
        self.url = f"redis://{workdir.name}"

    async def start(self) -> None:
        EVENTS.append("redis start")

    async def stop(self) -> None:
        EVENTS.append("redis stop")


class FakeCluster:
    def __init__(self, instances: int, **kwargs: Any) -> None:
        self.instances = instances
        self.url = "http://cluster.test"
        assert kwargs["redis_url"].startswith("redis://") and kwargs["drain_timeout_s"] == 5

    async def start(self) -> None:
        EVENTS.append(f"cluster start {self.instances}")

    async def stop(self) -> None:
        EVENTS.append("cluster stop")


class FakeClient:
    def __init__(self) -> None:
        self.prompts: list[str] = []

    async def call(self, tool: str, arguments: dict[str, Any], *, timeout_s: float) -> None:
        self.prompts.append(arguments["prompt"])


def outcome(ok: bool, latency: float, kind: str, error: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(ok=ok, latency_s=latency, kind=kind, error=error)


@pytest.fixture
def fake_cluster(monkeypatch: pytest.MonkeyPatch) -> list[FakeClient]:
    EVENTS.clear()
    made: list[FakeClient] = []
    monkeypatch.setattr(redis_server, "RedisServer", FakeRedis)
    monkeypatch.setattr(cluster_module, "Cluster", FakeCluster)

    @contextlib.asynccontextmanager
    async def sessions(url: str, count: int) -> AsyncIterator[list[FakeClient]]:
        clients = [FakeClient() for _ in range(count)]
        made.extend(clients)
        yield clients

    async def burst(
        clients: list[FakeClient],
        calls: int,
        tool: str,
        arguments: Callable[[int], dict[str, Any]],
        *,
        timeout_s: float,
    ) -> list[SimpleNamespace]:
        assert arguments(7)["prompt"] == "cluster burst 7"
        return [outcome(True, 0.2, "ok"), outcome(True, 0.4, "ok"), outcome(False, 0.1, "shed", "busy")]

    monkeypatch.setattr(cc, "sessions", sessions)
    monkeypatch.setattr(cc, "burst", burst)
    return made


async def test_burst_on_warms_every_session_and_counts_outcomes(
    fake_cluster: list[FakeClient], tmp_path: Path
) -> None:
    row = await cc._burst_on(3, params(), {}, tmp_path)
    assert len(fake_cluster) == 6 and all(c.prompts == ["warm-up"] for c in fake_cluster)
    assert EVENTS == ["redis start", "cluster start 3", "cluster stop", "redis stop"]
    assert (row["completed"], row["errors"], row["outcomes"]) == (2, 1, {"ok": 2, "shed": 1})
    assert (row["max_s"], row["p95_s"], row["first_error"]) == (0.4, 0.4, "busy")


async def test_burst_on_stops_the_cluster_and_redis_when_the_start_fails(
    fake_cluster: list[FakeClient], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async def failing_start(self: FakeCluster) -> None:
        raise RuntimeError("no HAProxy")

    monkeypatch.setattr(FakeCluster, "start", failing_start)
    with pytest.raises(RuntimeError, match="no HAProxy"):
        await cc._burst_on(2, params(), {}, tmp_path)
    assert EVENTS == ["redis start", "cluster stop", "redis stop"]


def test_measure_runs_the_cluster_then_one_instance(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    control = SimpleNamespace(resets=0)
    control.reset = lambda: setattr(control, "resets", control.resets + 1)
    control.stats = lambda bodies: SimpleNamespace(max_in_flight=5)

    class FakeProviders:
        def __init__(self, behaviour: dict[str, Any], names: tuple[str, ...]) -> None:
            assert behaviour == {"latency": {"fixed_ms": 1000.0}} and names == ("openai",)
            self.fakes = {"openai": SimpleNamespace(control=control)}

        def __enter__(self) -> FakeProviders:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def env(self) -> dict[str, str]:
            return {"OPENAI_BASE_URL": "http://fake"}

    async def burst_on(instances: int, p: cc.Params, env: dict[str, str], workdir: Path) -> dict[str, Any]:
        assert env["LOG_LEVEL"] == "WARNING" and env["EXTRA"] == "1"
        done = 4 if instances > 1 else 1
        return {"instances": instances, "completed": done, "errors": 4 - done, "wall_s": 1.0 * instances,
                "max_s": 1.0}  # fmt: skip

    drawn: dict[str, Any] = {}

    def bars(labels: list[str], values: list[float], limit: float, path: Path, **kw: Any) -> Path:
        drawn.update(labels=labels, values=values, limit=limit)
        return path

    monkeypatch.setattr(cc, "missing_tools", lambda: [])
    monkeypatch.setattr(cc, "FakeProviders", FakeProviders)
    monkeypatch.setattr(cc, "server_environment", lambda env, base: dict(env))
    monkeypatch.setattr(cc, "_burst_on", burst_on)
    monkeypatch.setattr(gate_plots, "bars", bars)
    logged: list[str] = []
    result = cc.measure(
        params(instances=2, server_env={"EXTRA": "1"}), MeasureContext(out_dir=tmp_path, log=logged.append)
    )
    assert control.resets == 2
    assert result.values["completed"] == 4 and result.values["single_shed"] == 3
    assert result.values["single_wall_s"] == 1.0 and result.values["provider_max_in_flight"] == 5
    assert drawn == {"labels": ["2 instances", "1 instance"], "values": [4.0, 1.0], "limit": 4.0}
    assert result.plots == [tmp_path / "cluster_concurrency.png"]
    assert result.details["server_env"] == {"EXTRA": "1"}
    assert logged[0].startswith("  2 instance(s): 4/4 in 2.00s")
