"""The chart's history on the server: one point a second, 15 minutes, bounded; the page
asks only for the points it lacks."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from zen_server.config import Settings
from zen_server.observability.events import ToolCallFinished
from zen_server.observability.history import ChartHistory, ChartPoint, HistorySampler
from zen_server.observability.hub import ObservabilityHub
from zen_server.observability.live_state import LiveState
from zen_server.observability.ops import ops_routes


def point(t: float, p95: float | None = 0.2) -> ChartPoint:
    return ChartPoint(t=t, p95_s=p95, error_rate=0.0, calls_per_s=1.0, in_flight=0.0, stuck=0)


def test_fifteen_minutes_at_one_second_is_900_points_and_never_more() -> None:
    history = ChartHistory()
    assert history.capacity == 900
    for t in range(2000):
        history.add(point(float(t)))
    assert len(history) == 900
    kept = history.since()
    assert (kept[0]["t"], kept[-1]["t"]) == (1100.0, 1999.0)  # the newest 15 minutes


def test_since_gives_only_newer_points() -> None:
    history = ChartHistory(seconds=10)
    for t in range(5):
        history.add(point(float(t)))
    assert [p["t"] for p in history.since(2.0)] == [3.0, 4.0]
    assert history.since(4.0) == []


def test_the_sampler_turns_the_live_window_into_a_point() -> None:
    state = LiveState(window_s=60)
    for _ in range(10):
        state.emit(ToolCallFinished("r", None, "chat", "error", 3.0))
    history = ChartHistory()
    sampled = HistorySampler(history, state.snapshot, wall_clock=lambda: 1234.5).sample()
    assert sampled == ChartPoint(
        t=1234.5, p95_s=3.0, error_rate=1.0, calls_per_s=10.0, in_flight=0.0, stuck=0
    )
    assert history.since() == [
        {"t": 1234.5, "p95_s": 3.0, "error_rate": 1.0, "calls_per_s": 10.0, "in_flight": 0.0, "stuck": 0}
    ]


async def test_dashboard_data_carries_the_history_the_page_lacks() -> None:
    hub = ObservabilityHub(Settings(), process_metrics=False, log_events=False)
    for t in (10.0, 11.0, 12.0):  # an incident before anyone opened the page
        hub.history.add(point(t, p95=4.0))
    app = Starlette(routes=ops_routes(hub))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ops") as ops:
        first = (await ops.get("/dashboard/data")).json()
        later = (await ops.get("/dashboard/data", params={"since": "11.0"})).json()
        junk = (await ops.get("/dashboard/data", params={"since": "soon"})).json()
    assert [p["t"] for p in first["history"]] == [10.0, 11.0, 12.0]
    assert [p["p95_s"] for p in first["history"]] == [4.0, 4.0, 4.0]
    assert [p["t"] for p in later["history"]] == [12.0]
    assert len(junk["history"]) == 3  # an unreadable 'since' is ignored, not an error
