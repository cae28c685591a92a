"""ElasticCluster on a stand-in Cluster: no processes, no HAProxy, the order of operations."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from harness.autoscale import elastic
from harness.autoscale.elastic import ElasticCluster
from harness.errors import ClusterError

EVENTS: list[str] = []


class FakeInstance:
    fail_start = False
    terminate_status: int | None = 0

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.env = env
        self.log = log
        self.port = 9000 + len(EVENTS)
        self.running = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        EVENTS.append(f"start {self.name}")
        if FakeInstance.fail_start:
            raise ClusterError(f"{self.name} never became ready")

    async def stop(self) -> None:
        EVENTS.append(f"stop {self.name}")

    async def terminate(self, timeout_s: float) -> int | None:
        EVENTS.append(f"terminate {self.name} {timeout_s:g}")
        return FakeInstance.terminate_status

    async def kill(self) -> None:
        EVENTS.append(f"kill {self.name}")


class FakeCluster:
    def __init__(self, names: list[str], tmp: Path) -> None:
        self.instances: list[Any] = [FakeInstance(n, {}, tmp / n) for n in names]
        self.instance_env = {"A": "1"}
        self.workdir = tmp
        self.haproxy = SimpleNamespace(socket_path=tmp / "admin.sock")
        self.drain_timeout_s = 5.0

    async def wait_in_rotation(self, names: list[str]) -> None:
        EVENTS.append(f"in rotation {','.join(names)}")


@pytest.fixture(autouse=True)
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    EVENTS.clear()
    FakeInstance.fail_start = False
    FakeInstance.terminate_status = 0

    async def add_server(path: Path, name: str, host: str, port: int) -> None:
        EVENTS.append(f"add {name} {host}")

    async def drain_server(path: Path, name: str) -> None:
        EVENTS.append(f"drain {name}")

    async def delete_server(path: Path, name: str) -> None:
        EVENTS.append(f"delete {name}")

    monkeypatch.setattr(elastic, "ZenInstance", FakeInstance)
    monkeypatch.setattr(elastic, "add_server", add_server)
    monkeypatch.setattr(elastic, "drain_server", drain_server)
    monkeypatch.setattr(elastic, "delete_server", delete_server)


def make(tmp_path: Path, names: list[str]) -> tuple[ElasticCluster, FakeCluster]:
    cluster = FakeCluster(names, tmp_path)
    return ElasticCluster(cluster), cluster  # type: ignore[arg-type]


async def test_scale_below_one_is_refused(tmp_path: Path) -> None:
    scaler, _ = make(tmp_path, ["zen1"])
    with pytest.raises(ClusterError, match="refusing to scale to 0"):
        await scaler.scale_to(0)
    assert EVENTS == []


async def test_scale_up_starts_adds_and_waits_for_new_names(tmp_path: Path) -> None:
    scaler, cluster = make(tmp_path, ["zen1"])
    await scaler.scale_to(3)
    assert scaler.replicas == 3
    assert [i.name for i in cluster.instances] == ["zen1", "zen2", "zen3"]
    assert cluster.instances[1].log == tmp_path / "zen2.log"
    assert cluster.instances[1].env == {"A": "1"}
    for name in ("zen2", "zen3"):
        order = [e for e in EVENTS if e.endswith(name) or name in e.split()]
        assert order == [f"start {name}", f"add {name} 127.0.0.1", f"in rotation {name}"]
    assert [n for n, _ in scaler.endpoints()] == ["zen1", "zen2", "zen3"]


async def test_endpoints_skip_instances_not_running(tmp_path: Path) -> None:
    scaler, cluster = make(tmp_path, ["zen1", "zen2"])
    cluster.instances[0].running = False
    assert scaler.endpoints() == [("zen2", cluster.instances[1].base_url)]


async def test_scale_down_removes_newest_first_and_names_never_repeat(tmp_path: Path) -> None:
    scaler, cluster = make(tmp_path, ["zen1", "zen2", "zen3"])
    await scaler.scale_to(1)
    assert [i.name for i in cluster.instances] == ["zen1"]
    assert EVENTS == [
        "drain zen3", "terminate zen3 15", "delete zen3",
        "drain zen2", "terminate zen2 15", "delete zen2",
    ]  # fmt: skip
    EVENTS.clear()
    await scaler.scale_to(2)
    assert cluster.instances[-1].name == "zen4"  # a fresh name, not a reused one


async def test_scale_down_kills_an_instance_that_does_not_exit(tmp_path: Path) -> None:
    FakeInstance.terminate_status = None
    scaler, _ = make(tmp_path, ["zen1", "zen2"])
    await scaler.scale_to(1)
    assert EVENTS == ["drain zen2", "terminate zen2 15", "kill zen2", "delete zen2"]


async def test_scale_to_the_current_count_does_nothing(tmp_path: Path) -> None:
    scaler, _ = make(tmp_path, ["zen1", "zen2"])
    await scaler.scale_to(2)
    assert EVENTS == []


async def test_a_failed_start_stops_the_instance_and_is_not_counted(tmp_path: Path) -> None:
    FakeInstance.fail_start = True
    scaler, cluster = make(tmp_path, ["zen1"])
    with pytest.raises(ClusterError, match="zen2 never became ready"):
        await scaler.scale_to(2)
    assert EVENTS == ["start zen2", "stop zen2"]
    assert scaler.replicas == 1 and len(cluster.instances) == 1
