"""Per-deployment figures (ZEN_DEPLOYMENTS) in /metrics and on the dashboard's data."""

from __future__ import annotations

from zen_server.observability.events import DeploymentAttempt
from zen_server.observability.live_state import LiveState
from zen_server.observability.metrics import PrometheusObserver


def attempts() -> list[DeploymentAttempt]:
    return [
        DeploymentAttempt("us-1", "us", "gpt-5", "ok", 0.09),
        DeploymentAttempt("eu-1", "eu", "gpt-5", "ok", 0.04),
        DeploymentAttempt("eu-1", "eu", "gpt-5", "503", 0.01),
        DeploymentAttempt("eu-1", "eu", "gpt-5", "503", 0.01, ejected_for_s=2.0),
    ]


def test_metrics_count_attempts_and_ejections_per_deployment_and_take_the_router_gauges() -> None:
    obs = PrometheusObserver(process_metrics=False)
    for event in attempts():
        obs.emit(event)
    obs.set_gauge("deployment_in_flight", 3, deployment="eu-1", region="eu")
    obs.set_gauge("deployment_ewma_latency_seconds", 0.04, deployment="eu-1", region="eu")
    sample = obs.registry.get_sample_value
    assert (
        sample("zen_deployment_requests_total", {"deployment": "eu-1", "region": "eu", "status": "503"}) == 2
    )
    assert (
        sample("zen_deployment_requests_total", {"deployment": "us-1", "region": "us", "status": "ok"}) == 1
    )
    assert sample("zen_deployment_ejections_total", {"deployment": "eu-1", "region": "eu"}) == 1
    assert sample("zen_deployment_ejections_total", {"deployment": "us-1", "region": "us"}) is None
    assert sample("zen_deployment_in_flight", {"deployment": "eu-1", "region": "eu"}) == 3
    assert sample("zen_deployment_ewma_latency_seconds", {"deployment": "eu-1", "region": "eu"}) == 0.04


def test_the_dashboard_data_lists_deployments_by_region_and_notes_an_ejection() -> None:
    state = LiveState()
    for event in attempts():
        state.emit(event)
    state.set_gauge("deployment_in_flight", 2, deployment="us-1", region="us")
    snapshot = state.snapshot()
    rows = snapshot["deployments"]
    assert isinstance(rows, list)
    assert [(r["region"], r["deployment"], r["requests"], r["failures"], r["ejections"]) for r in rows] == [
        ("eu", "eu-1", 3, 2, 1),
        ("us", "us-1", 1, 0, 0),
    ]
    assert rows[1]["in_flight"] == 2
    events = snapshot["recent_events"]
    assert isinstance(events, list) and events[0]["text"] == "deployment eu-1 ejected for 2 s"
