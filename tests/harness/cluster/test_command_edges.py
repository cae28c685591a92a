"""``zen-harness cluster up``: arguments, exit codes, the announcement, and the up/teardown order."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import pytest

import harness.chaos.environment.redis_server as redis_mod
import harness.cluster.cluster as cluster_mod
import harness.cluster.command as command
import harness.cluster.haproxy as hap_mod
from harness.cluster.cluster import Cluster
from harness.cluster.providers import FAKE_MODEL
from harness.errors import ClusterError, HarnessError


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    command.configure(parser)
    return parser.parse_args(list(argv))


def test_up_defaults_and_options() -> None:
    args = parse("up")
    assert (args.cluster_action, args.instances, args.providers, args.port) == ("up", 3, "fake", None)
    assert args.fake_latency_ms == 200 and args.drain_timeout == 30.0 and args.autoscale is None
    args = parse("up", "--instances", "5", "--providers", "env", "--port", "8100", "--drain-timeout", "2")
    assert (args.instances, args.providers, args.port, args.drain_timeout) == (5, "env", 8100, 2.0)


def test_an_action_is_required_and_providers_are_checked() -> None:
    with pytest.raises(SystemExit):
        parse()
    with pytest.raises(SystemExit):
        parse("up", "--providers", "real")


@pytest.mark.parametrize(
    ("raised", "code"), [(None, 0), (ClusterError("no haproxy"), 2), (KeyboardInterrupt(), 130)]
)
def test_run_exit_codes(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    raised: BaseException | None,
    code: int,
) -> None:
    async def up(args: argparse.Namespace) -> None:
        if raised is not None:
            raise raised

    monkeypatch.setattr(command, "_up", up)
    assert command.run(parse("up")) == code
    if isinstance(raised, HarnessError):
        assert "zen-harness cluster: no haproxy" in capsys.readouterr().err


def test_announce_names_every_endpoint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cluster = Cluster(2, env={}, redis_url="redis://r/0", workdir=tmp_path, port=8200)
    command._announce(cluster, "redis://r/0", True)
    out = capsys.readouterr().out
    assert "MCP endpoint (HAProxy): http://127.0.0.1:8200/mcp" in out
    assert "zen1: http://127.0.0.1:" in out and "zen2:" in out
    assert "redis: redis://r/0" in out and str(cluster.haproxy.config_path) in out
    assert FAKE_MODEL in out
    command._announce(cluster, "redis://r/0", False)
    assert "provider: fake" not in capsys.readouterr().out


async def test_until_stopped_returns_on_sigterm_and_removes_its_handlers() -> None:
    loop = asyncio.get_running_loop()
    task = asyncio.create_task(command._until_stopped())
    await asyncio.sleep(0)  # let it install its handlers before the signal
    assert not task.done()
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(task, 30)
    assert not loop.remove_signal_handler(signal.SIGTERM)  # already removed


class FakeRedis:
    def __init__(self, workdir: Path) -> None:
        self.url = "redis://127.0.0.1:6390/0"
        log.append("redis init")

    async def start(self) -> None:
        log.append("redis start")

    async def stop(self) -> None:
        log.append("redis stop")


class FakeCluster:
    fail = False

    def __init__(self, instances: int, **kw: Any) -> None:
        log.append(f"cluster {instances} drain={kw['drain_timeout_s']:g} port={kw['port']}")
        self.env = kw["env"]

    async def start(self) -> None:
        log.append("cluster start")
        if FakeCluster.fail:
            raise ClusterError("instance zen1 exited")

    async def stop(self) -> None:
        log.append("cluster stop")


log: list[str] = []


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    log.clear()
    FakeCluster.fail = False
    monkeypatch.setattr(hap_mod, "haproxy_executable", lambda: "/bin/haproxy")
    monkeypatch.setattr(redis_mod, "RedisServer", FakeRedis)
    monkeypatch.setattr(cluster_mod, "Cluster", FakeCluster)
    monkeypatch.setattr(command, "_announce", lambda cluster, url, fake: log.append(f"announce {url} {fake}"))

    async def until_stopped() -> None:
        log.append("waiting")

    monkeypatch.setattr(command, "_until_stopped", until_stopped)
    return log


async def test_up_with_env_providers_starts_and_tears_down_in_order(fakes: list[str]) -> None:
    await command._up(parse("up", "--providers", "env", "--instances", "2", "--drain-timeout", "4"))
    assert fakes == [
        "redis init",
        "redis start",
        "cluster 2 drain=4 port=None",
        "cluster start",
        "announce redis://127.0.0.1:6390/0 False",
        "waiting",
        "cluster stop",
        "redis stop",
    ]


async def test_up_failure_still_stops_redis_and_cluster(fakes: list[str]) -> None:
    FakeCluster.fail = True
    with pytest.raises(ClusterError, match="zen1 exited"):
        await command._up(parse("up", "--providers", "env"))
    assert fakes[-2:] == ["cluster stop", "redis stop"] and not any(e.startswith("announce") for e in fakes)


async def test_up_with_the_fake_provider_stops_it(fakes: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import fakes.testing as fakes_testing

    class FakeControl:
        def set_default(self, behaviour: dict[str, Any]) -> None:
            log.append(f"latency {behaviour['latency']['fixed_ms']}")

    class FakeProvider:
        def __init__(self, kind: str, seed: int) -> None:
            self.control = FakeControl()
            self.openai_base_url = "http://127.0.0.1:1/v1"

        def start(self) -> FakeProvider:
            log.append("fake start")
            return self

        def stop(self) -> None:
            log.append("fake stop")

    monkeypatch.setattr(fakes_testing, "FakeServer", FakeProvider)
    await command._up(parse("up", "--fake-latency-ms", "5", "--port", "8300"))
    assert fakes[:2] == ["fake start", "latency 5"]
    assert "announce redis://127.0.0.1:6390/0 True" in fakes
    assert fakes[-1] == "fake stop" and "cluster 3 drain=30 port=8300" in fakes


async def test_up_with_autoscale_hands_the_cluster_to_the_loop(
    fakes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import harness.autoscale.command as autoscale_command

    async def loop(cluster: object, args: argparse.Namespace, stopped: Any) -> None:
        log.append(f"autoscale {args.autoscale}")
        await stopped

    monkeypatch.setattr(autoscale_command, "autoscale_until_stopped", loop)
    from harness.autoscale.recommend import STRATEGIES

    strategy = STRATEGIES[0]
    await command._up(parse("up", "--providers", "env", "--autoscale", strategy, "--min", "2"))
    assert f"autoscale {strategy}" in fakes and "waiting" in fakes
    assert "cluster 2 drain=30 port=None" in fakes


async def test_up_when_redis_fails_stops_only_redis(
    fakes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self: FakeRedis) -> None:
        raise ClusterError("redis-server is not installed")

    monkeypatch.setattr(FakeRedis, "start", broken)
    with pytest.raises(ClusterError, match="redis-server"):
        await command._up(parse("up", "--providers", "env"))
    assert fakes == ["redis init", "redis stop"]
