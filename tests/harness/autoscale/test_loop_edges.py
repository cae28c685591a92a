"""ScalingLoop.run and a failed scale, with a stand-in cluster and scrape."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from harness.autoscale import loop as loop_module
from harness.autoscale.errors import SignalError
from harness.autoscale.exporter import ScalerExporter
from harness.autoscale.loop import LoopSettings, ScalingLoop
from harness.autoscale.recommend import Bounds, Policy
from harness.errors import ClusterError


class StubCluster:
    def __init__(self, replicas: int, error: Exception | None = None) -> None:
        self._replicas = replicas
        self.error = error
        self.asked: list[int] = []

    @property
    def replicas(self) -> int:
        return self._replicas

    def endpoints(self) -> list[tuple[str, str]]:
        return [("zen1", "http://zen1.test")]

    async def scale_to(self, replicas: int) -> None:
        self.asked.append(replicas)
        if self.error is not None:
            raise self.error
        self._replicas = replicas


def make(cluster: StubCluster) -> ScalingLoop:
    settings = LoopSettings("reactive", Policy(Bounds(1, 4), horizon_steps=2), interval_s=30.0)
    return ScalingLoop(cluster, settings, ScalerExporter())


async def test_run_ticks_until_stopped_and_holds_on_a_bad_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    stop = asyncio.Event()
    calls: list[list[tuple[str, str]]] = []

    async def scrape(client: httpx.AsyncClient, endpoints: list[tuple[str, str]]) -> object:
        calls.append(endpoints)
        stop.set()  # one tick; the 30 s interval wait then ends at once
        raise SignalError("zen1 did not answer")

    monkeypatch.setattr(loop_module, "scrape", scrape)
    loop = make(StubCluster(2))
    await asyncio.wait_for(loop.run(stop), 5)
    assert len(calls) == 1
    (tick,) = loop.ticks
    assert (tick.replicas, tick.recommended, tick.demand) == (2, 2, None)
    assert tick.reason == "keeping 2: zen1 did not answer"
    assert list(loop.history) == []


async def test_run_when_already_stopped_waits_for_a_scaling_in_progress() -> None:
    cluster = StubCluster(1)
    loop = make(cluster)
    stop = asyncio.Event()
    stop.set()
    loop._scaling = asyncio.create_task(loop._scale(3))
    await loop.run(stop)
    assert loop.ticks == [] and cluster.asked == [3] and cluster.replicas == 3


async def test_run_swallows_an_unexpected_failure_of_the_last_scaling() -> None:
    loop = make(StubCluster(1, RuntimeError("boom")))
    stop = asyncio.Event()
    stop.set()
    loop._scaling = asyncio.create_task(loop._scale(2))
    await loop.run(stop)  # return_exceptions: no raise on the way out
    assert loop._scaling.done() and isinstance(loop._scaling.exception(), RuntimeError)


async def test_a_failed_scale_is_logged_and_the_count_kept(caplog: pytest.LogCaptureFixture) -> None:
    cluster = StubCluster(2, ClusterError("HAProxy refused to add zen3"))
    loop = make(cluster)
    with caplog.at_level(logging.WARNING, logger="zen.autoscale"):
        await loop._scale(3)
    assert cluster.asked == [3] and cluster.replicas == 2
    assert "scaling to 3 failed, keeping 2: HAProxy refused to add zen3" in caplog.text
