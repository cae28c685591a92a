"""The loop's ticks on an in-process cluster stand-in: scale on demand, hold on bad signals."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx

from harness.autoscale.errors import SignalError
from harness.autoscale.exporter import ScalerExporter
from harness.autoscale.loop import LoopSettings, ScalingLoop
from harness.autoscale.recommend import Bounds, Policy
from harness.autoscale.signals import parse_exposition
from zen_server.observability.metrics import PrometheusObserver
from zen_server.resilience.admission import AdmissionController


class FakeCluster:
    def __init__(self, replicas: int) -> None:
        self._replicas = replicas
        self.scaled = asyncio.Event()

    @property
    def replicas(self) -> int:
        return self._replicas

    def endpoints(self) -> list[tuple[str, str]]:
        return [(f"zen{i + 1}", f"http://zen{i + 1}.test") for i in range(self._replicas)]

    async def scale_to(self, replicas: int) -> None:
        assert replicas >= 1
        self._replicas = replicas
        self.scaled.set()


def exposition(in_flight: int, queued: int, capacity: int) -> str:
    metrics = PrometheusObserver(process_metrics=False)
    AdmissionController(capacity, 10, 1.0, observer=metrics)
    metrics.set_gauge("in_flight", float(in_flight))
    metrics.set_gauge("queued", float(queued))
    return metrics.exposition()[0].decode()


def settings(strategy: str = "reactive") -> LoopSettings:
    policy = Policy(Bounds(1, 4), target_utilisation=0.5, horizon_steps=3)
    return LoopSettings(strategy, policy, up_window_s=0.0, down_window_s=60.0)  # type: ignore[arg-type]


def test_the_scaler_reads_the_servers_own_metric_names() -> None:
    signals = parse_exposition("zen1", exposition(3, 2, 8))
    assert (signals.demand, signals.capacity) == (5.0, 8.0)
    with pytest.raises(SignalError, match="zen1's /metrics lacks zen_capacity_requests"):
        parse_exposition("zen1", "zen_in_flight_requests 1\nzen_queued_requests 0\n")


@respx.mock
async def test_demand_above_target_scales_up_and_is_exported() -> None:
    cluster = FakeCluster(1)
    exporter = ScalerExporter()
    loop = ScalingLoop(cluster, settings(), exporter)
    respx.get("http://zen1.test/metrics").respond(200, text=exposition(4, 4, 4))  # utilisation 2.0
    async with httpx.AsyncClient() as client:
        await loop.tick(client)
    await cluster.scaled.wait()
    assert cluster.replicas == 4  # ceil(1 x 2.0 / 0.5)
    sample = exporter.registry.get_sample_value("zen_recommended_replicas", {"strategy": "reactive"})
    assert sample == 4.0


@respx.mock
async def test_an_unreachable_or_missing_instance_keeps_the_count_and_says_why() -> None:
    cluster = FakeCluster(2)
    exporter = ScalerExporter()
    loop = ScalingLoop(cluster, settings("predictive"), exporter)
    respx.get("http://zen1.test/metrics").respond(200, text=exposition(0, 0, 4))
    respx.get("http://zen2.test/metrics").mock(side_effect=httpx.ConnectError("refused"))
    async with httpx.AsyncClient() as client:
        await loop.tick(client)
        respx.get("http://zen2.test/metrics").respond(404)
        await loop.tick(client)
    assert cluster.replicas == 2
    assert [t.replicas for t in loop.ticks] == [2, 2]
    assert "zen2's /metrics is unreachable" in loop.ticks[0].reason
    assert "zen2's /metrics answered 404" in loop.ticks[1].reason
    assert exporter.registry.get_sample_value("zen_autoscale_held_total") == 2.0


@respx.mock
async def test_scale_down_waits_for_the_stabilisation_window() -> None:
    cluster = FakeCluster(1)
    loop = ScalingLoop(cluster, settings(), ScalerExporter())
    busy = respx.get("http://zen1.test/metrics").respond(200, text=exposition(4, 4, 4))
    async with httpx.AsyncClient() as client:
        await loop.tick(client)
        await cluster.scaled.wait()
        assert cluster.replicas == 4
        busy.respond(200, text=exposition(0, 0, 4))
        for name in ("zen2", "zen3", "zen4"):
            respx.get(f"http://{name}.test/metrics").respond(200, text=exposition(0, 0, 4))
        cluster.scaled.clear()
        await loop.tick(client)
    await asyncio.sleep(0)  # a scale-down task, had one been started, would run here
    assert loop.ticks[-1].recommended == 1
    assert cluster.replicas == 4  # the window still holds the 4 of a moment ago
    assert not cluster.scaled.is_set()
