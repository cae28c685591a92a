"""Cluster orchestration with its instances and HAProxy replaced by recorders: no processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

import harness.cluster.cluster as cluster_mod
from harness.cluster.cluster import Cluster
from harness.errors import ClusterError


def make(tmp_path: Path, n: int = 2, **kw: object) -> Cluster:
    return Cluster(n, env={"KEY": "v"}, redis_url="redis://r:1/0", workdir=tmp_path / "c", **kw)  # type: ignore[arg-type]


class Recorder:
    """Replaces the instances' and HAProxy's async methods; records the calls in order."""

    def __init__(self, cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        self.running: dict[str, bool] = {i.name: True for i in cluster.instances}
        self.terminate_status: dict[str, int | None] = {}
        self.states: list[dict[str, str]] = []
        for instance in cluster.instances:
            name = instance.name
            for action in ("start", "kill", "restart", "stop"):
                monkeypatch.setattr(instance, action, self._action(name, action))
            monkeypatch.setattr(instance, "terminate", self._terminate(name))
            monkeypatch.setattr(type(instance), "running", property(lambda s: self.running[s.name]))
        monkeypatch.setattr(cluster.haproxy, "start", self._action("haproxy", "start"))
        monkeypatch.setattr(cluster.haproxy, "stop", self._action("haproxy", "stop"))
        monkeypatch.setattr(cluster.haproxy, "server_states", self._states)

    def _action(self, name: str, action: str):  # type: ignore[no-untyped-def]
        async def act() -> None:
            self.calls.append(f"{action} {name}")
            if action in {"start", "restart"} and name in self.running:
                self.running[name] = True

        return act

    def _terminate(self, name: str):  # type: ignore[no-untyped-def]
        async def term(timeout_s: float) -> int | None:
            self.calls.append(f"terminate {name} {timeout_s:g}")
            self.running[name] = False
            return self.terminate_status.get(name, 0)

        return term

    async def _states(self) -> dict[str, str]:
        self.calls.append("states")
        return self.states.pop(0) if len(self.states) > 1 else self.states[0]


def test_instance_count_is_bounded(tmp_path: Path) -> None:
    for n in (0, 17):
        with pytest.raises(ClusterError, match=f"between 1 and 16, not {n}"):
            make(tmp_path, n)


def test_instances_get_the_distributed_environment(tmp_path: Path) -> None:
    cluster = make(tmp_path, 3, redis_prefix="t:", drain_timeout_s=2.5, port=8123)
    assert cluster.instance_env == {
        "KEY": "v",
        "DISTRIBUTED_MODE": "true",
        "REDIS_URL": "redis://r:1/0",
        "ZEN_REDIS_PREFIX": "t:",
        "ZEN_DRAIN_TIMEOUT_S": "2.5",
    }
    assert [i.name for i in cluster.instances] == ["zen1", "zen2", "zen3"]
    assert cluster.url == "http://127.0.0.1:8123/mcp"
    assert (tmp_path / "c").is_dir()
    assert cluster.pids() == []


def test_instance_index_is_checked(tmp_path: Path) -> None:
    cluster = make(tmp_path)
    assert cluster.instance(1).name == "zen2"
    for bad in (-1, 2):
        with pytest.raises(ClusterError, match=f"no instance {bad}: the cluster has 2"):
            cluster.instance(bad)


async def test_start_brings_everything_up_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = make(tmp_path)
    rec = Recorder(cluster, monkeypatch)
    rec.states = [{"zen1": "DOWN", "zen2": "UP"}, {"zen1": "UP", "zen2": "UP"}]
    await cluster.start()
    assert rec.calls == ["start zen1", "start zen2", "start haproxy", "states", "states"]


async def test_a_failed_start_stops_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = make(tmp_path)
    rec = Recorder(cluster, monkeypatch)

    async def broken() -> None:
        raise ClusterError("haproxy exited")

    monkeypatch.setattr(cluster.haproxy, "start", broken)
    with pytest.raises(ClusterError, match="haproxy exited"):
        await cluster.start()
    assert rec.calls[-3:] == ["stop haproxy", "stop zen1", "stop zen2"]


async def test_wait_out_of_rotation_and_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = make(tmp_path)
    rec = Recorder(cluster, monkeypatch)
    rec.states = [{"zen1": "DOWN"}]
    await cluster.wait_in_rotation(["zen1"], up=False)  # missing counts as not UP too
    await cluster.wait_in_rotation(["zen2"], up=False)
    values: Iterator[float] = iter([0.0, 0.0, 1000.0])
    monkeypatch.setattr(cluster_mod, "time", SimpleNamespace(monotonic=lambda: next(values)))
    with pytest.raises(ClusterError, match=r"did not see \['zen1'\] UP within"):
        await cluster.wait_in_rotation(["zen1"])
    values = iter([0.0, 1000.0])
    with pytest.raises(ClusterError, match="DOWN within"):
        await cluster.wait_in_rotation(["zen1"], up=False)


async def test_actions_act_on_the_indexed_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = make(tmp_path, drain_timeout_s=5.0)
    rec = Recorder(cluster, monkeypatch)
    rec.states = [{"zen1": "UP", "zen2": "UP"}]
    await cluster.kill(1)
    assert await cluster.terminate(0) == 0
    await cluster.restart(0)
    assert rec.calls == ["kill zen2", "terminate zen1 15", "restart zen1", "states"]
    with pytest.raises(ClusterError, match="no instance 5"):
        await cluster.kill(5)


async def test_ensure_running_before_start_does_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = make(tmp_path)
    rec = Recorder(cluster, monkeypatch)
    rec.running["zen1"] = False
    await cluster.ensure_running()
    assert rec.calls == []


async def test_ensure_running_starts_only_the_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = make(tmp_path)
    rec = Recorder(cluster, monkeypatch)
    rec.states = [{"zen1": "UP", "zen2": "UP"}]
    cluster.haproxy._process = SimpleNamespace(pid=9, poll=lambda: None)  # type: ignore[assignment]
    await cluster.ensure_running()
    assert rec.calls == []  # all running: no wait either
    rec.running["zen2"] = False
    await cluster.ensure_running()
    assert rec.calls == ["start zen2", "states"]


async def test_rolling_restart_kills_what_did_not_drain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = make(tmp_path, drain_timeout_s=1.0)
    rec = Recorder(cluster, monkeypatch)
    rec.states = [{"zen1": "UP", "zen2": "UP"}]
    rec.terminate_status["zen2"] = None
    assert await cluster.rolling_restart() == [0, None]
    assert rec.calls == [
        "terminate zen1 11",
        "restart zen1",
        "states",
        "terminate zen2 11",
        "kill zen2",
        "restart zen2",
        "states",
    ]


async def test_stop_survives_an_instance_that_fails_to_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = make(tmp_path)
    rec = Recorder(cluster, monkeypatch)

    async def broken() -> None:
        raise OSError("gone")

    monkeypatch.setattr(cluster.instances[0], "stop", broken)
    await cluster.stop()
    assert rec.calls == ["stop haproxy", "stop zen2"]
