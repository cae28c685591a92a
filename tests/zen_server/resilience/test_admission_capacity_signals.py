"""The gauges an autoscaler reads: capacity once, utilisation = (running + queued) / capacity."""

from __future__ import annotations

import asyncio

from zen_server.observability.events import RecordingObserver
from zen_server.observability.metrics import PrometheusObserver
from zen_server.resilience.admission import AdmissionController


async def hold(controller: AdmissionController, release: asyncio.Event) -> None:
    async with controller.admit(tool="chat", session_id=None):
        await release.wait()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_capacity_and_utilisation_follow_load(observer: RecordingObserver) -> None:
    controller = AdmissionController(4, 5, 10.0, observer=observer)
    assert observer.gauges[("capacity", ())] == 4.0
    assert observer.gauges[("utilisation", ())] == 0.0
    release = asyncio.Event()
    tasks = [asyncio.create_task(hold(controller, release)) for _ in range(6)]
    await settle()
    assert observer.gauges[("utilisation", ())] == 1.5  # 4 running + 2 queued over 4 slots
    release.set()
    await asyncio.gather(*tasks)
    assert observer.gauges[("utilisation", ())] == 0.0


async def test_signals_have_stable_prometheus_names() -> None:
    metrics = PrometheusObserver(process_metrics=False)
    controller = AdmissionController(8, 5, 10.0, observer=metrics)
    release = asyncio.Event()
    task = asyncio.create_task(hold(controller, release))
    await settle()
    assert metrics.registry.get_sample_value("zen_capacity_requests") == 8.0
    assert metrics.registry.get_sample_value("zen_utilisation_ratio") == 0.125
    release.set()
    await task
