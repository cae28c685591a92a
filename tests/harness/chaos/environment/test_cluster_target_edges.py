"""ClusterTarget: environment wiring, routing, and how cluster errors become action errors."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest

from harness.chaos.environment.cluster_target import ClusterTarget
from harness.chaos.errors import ActionError, EnvironmentStartError
from harness.chaos.scenario import TargetSpec
from harness.cluster.cluster import Cluster
from harness.errors import ClusterError
from harness.mcp_client import HttpEndpoint


def make(
    tmp_path: Path, route: Literal["balancer", "direct"] = "balancer", instances: int = 2
) -> ClusterTarget:
    spec = TargetSpec(kind="cluster", instances=instances, route=route, drain_timeout_s=3, env={"X": "{who}"})
    env = {"REDIS_URL": "redis://127.0.0.1:{rport}/0", "ZEN_REDIS_PREFIX": "run1:"}
    return ClusterTarget(spec, env, {"rport": "6399", "who": "me"}, tmp_path / "run.log")


def test_wiring_fills_placeholders_and_splits_out_redis(tmp_path: Path) -> None:
    target = make(tmp_path)
    env = target.cluster.instance_env
    assert env["REDIS_URL"] == "redis://127.0.0.1:6399/0"
    assert env["ZEN_REDIS_PREFIX"] == "run1:"
    assert env["X"] == "me" and env["ZEN_DRAIN_TIMEOUT_S"] == "3"
    assert target.cluster.workdir == tmp_path / "run.cluster"
    assert target.instances == 2 and target.pids() == [] and target.rss_mb() is None


def test_default_redis_prefix(tmp_path: Path) -> None:
    spec = TargetSpec(kind="cluster", instances=1)
    target = ClusterTarget(spec, {}, {}, tmp_path / "r.log")
    assert target.cluster.instance_env["ZEN_REDIS_PREFIX"] == "zen:"
    assert target.cluster.instance_env["REDIS_URL"] == ""


def test_endpoints_balancer_and_direct(tmp_path: Path) -> None:
    target = make(tmp_path)
    assert target.endpoint() == HttpEndpoint(target.cluster.url)
    direct = make(tmp_path, "direct")
    urls = [direct.endpoint() for _ in range(3)]
    first, second = (f"{i.base_url}/mcp" for i in direct.cluster.instances)
    assert urls == [HttpEndpoint(first), HttpEndpoint(second), HttpEndpoint(first)]


async def test_start_failure_is_an_environment_start_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = make(tmp_path)

    async def broken() -> None:
        raise ClusterError("HAProxy is not installed")

    monkeypatch.setattr(target.cluster, "start", broken)
    with pytest.raises(EnvironmentStartError, match="HAProxy is not installed"):
        await target.start()


async def test_start_stop_kill_and_rollbacks_delegate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = make(tmp_path)
    calls: list[str] = []

    async def record(name: str) -> None:
        calls.append(name)

    async def kill(index: int) -> None:
        calls.append(f"kill {index}")

    async def terminate(index: int) -> int | None:
        calls.append(f"term {index}")
        return 0

    monkeypatch.setattr(target.cluster, "start", lambda: record("start"))
    monkeypatch.setattr(target.cluster, "stop", lambda: record("stop"))
    monkeypatch.setattr(target.cluster, "ensure_running", lambda: record("ensure"))
    monkeypatch.setattr(target.cluster, "kill", kill)
    monkeypatch.setattr(target.cluster, "terminate", terminate)
    await target.start()
    await target.kill()
    await target.restart()
    await target.ensure_running()
    await target.kill_instance(1)
    await target.term_instance(0)
    await target.stop()
    assert calls == ["start", "kill 0", "kill 1", "ensure", "ensure", "kill 1", "term 0", "stop"]


async def test_cluster_errors_in_actions_are_action_errors(tmp_path: Path) -> None:
    target = make(tmp_path)
    with pytest.raises(ActionError, match="no instance 7"):
        await target.kill_instance(7)


async def test_restart_instance_refuses_a_running_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = make(tmp_path)
    restarted: list[int] = []

    async def restart(index: int) -> None:
        restarted.append(index)

    monkeypatch.setattr(target.cluster, "restart", restart)
    await target.restart_instance(1)  # not running: restarted
    assert restarted == [1]
    monkeypatch.setattr(type(target.cluster.instances[0]), "running", property(lambda s: True))
    with pytest.raises(ActionError, match="zen1 is still running"):
        await target.restart_instance(0)


@pytest.mark.parametrize(
    ("statuses", "unclean"),
    [([0, 0], None), ([0, None], "instances \\[1\\]"), ([1, 0], "instances \\[0\\]")],
)
async def test_rolling_restart_requires_clean_exits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, statuses: list[int | None], unclean: str | None
) -> None:
    target = make(tmp_path)

    async def rolling() -> list[int | None]:
        return statuses

    monkeypatch.setattr(target.cluster, "rolling_restart", rolling)
    if unclean is None:
        await target.rolling_restart()
    else:
        with pytest.raises(ActionError, match=unclean):
            await target.rolling_restart()


def test_cluster_is_a_real_cluster(tmp_path: Path) -> None:
    assert isinstance(make(tmp_path, instances=1).cluster, Cluster)
