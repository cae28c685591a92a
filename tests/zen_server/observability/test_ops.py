"""ops_routes and the loopback ops listener: /metrics, /health, /ready, /dashboard(/data)."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from zen_server.config import Settings
from zen_server.errors import ConfigurationError
from zen_server.observability.events import BreakerTransition, ToolCallFinished
from zen_server.observability.hub import ObservabilityHub
from zen_server.observability.ops import ops_routes, run_ops_listener
from zen_server.observability.readiness import ReadinessReport, assess_readiness


def make_hub() -> ObservabilityHub:
    return ObservabilityHub(Settings(), process_metrics=False, log_events=False)


def client_for(hub: ObservabilityHub, readiness: object = None) -> httpx.AsyncClient:
    app = Starlette(routes=ops_routes(hub, readiness))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ops")


async def test_metrics_serves_the_text_exposition_of_the_hubs_registry() -> None:
    hub = make_hub()
    hub.emit(ToolCallFinished("r", None, "chat", "success", 0.2))
    async with client_for(hub) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert 'zen_tool_calls_total{outcome="success",tool="chat"} 1.0' in response.text
    assert "# TYPE zen_tool_duration_seconds histogram" in response.text


async def test_health_is_alive_and_ready_defaults_to_ready() -> None:
    async with client_for(make_hub()) as client:
        health = await client.get("/health")
        ready = await client.get("/ready")
    assert health.status_code == 200
    assert health.json()["status"] == "alive"
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "reasons": [], "details": {}}


async def test_ready_is_503_with_reasons_when_degraded() -> None:
    async def check() -> ReadinessReport:
        return assess_readiness(breaker_states={"openai": "open"}, memory_level="critical")

    async with client_for(make_hub(), check) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert len(body["reasons"]) == 2


async def test_a_failing_readiness_check_reports_degraded_instead_of_erroring() -> None:
    async def check() -> ReadinessReport:
        raise TimeoutError

    async with client_for(make_hub(), check) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json()["reasons"] == ["readiness check failed: TimeoutError"]


async def test_dashboard_page_is_self_contained_and_locked_down() -> None:
    async with client_for(make_hub()) as client:
        response = await client.get("/dashboard")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "connect-src 'self'" in response.headers["content-security-policy"]
    page = response.text
    # No external assets: no absolute URL in any src/href, no remote fetches.
    assert "http://" not in page
    assert "https://" not in page
    assert "<link" not in page
    assert "<script src" not in page


async def test_dashboard_data_carries_window_figures_breakers_and_readiness() -> None:
    hub = make_hub()
    hub.emit(ToolCallFinished("r", None, "chat", "error", 3.0))
    hub.emit(BreakerTransition("openai", "closed", "open", "outage"))
    hub.set_gauge("in_flight", 4)
    async with client_for(hub) as client:
        data = (await client.get("/dashboard/data")).json()
    assert data["calls"] == 1
    assert data["in_flight"] == 4
    assert data["breakers"][0]["key"] == "openai"
    assert data["breakers"][0]["state"] == "open"
    assert data["readiness"] == {"ready": True, "reasons": []}
    assert len(data["breaches"]) == 2


async def test_ops_listener_serves_on_loopback_and_stops(unused_port: int) -> None:
    hub = make_hub()
    listener = await run_ops_listener(ops_routes(hub), unused_port)
    try:
        assert listener.port == unused_port
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{unused_port}/health")
        assert response.status_code == 200
    finally:
        await listener.aclose()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", unused_port)) != 0  # closed after aclose


async def test_ops_listener_on_a_busy_port_is_a_configuration_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigurationError, match="ZEN_OPS_PORT"):
            await run_ops_listener(ops_routes(make_hub()), port)


def test_dashboard_html_ships_inside_the_package() -> None:
    import zen_server.observability as package

    assert (Path(package.__file__).parent / "dashboard.html").is_file()
