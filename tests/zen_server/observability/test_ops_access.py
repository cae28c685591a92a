"""The ops routes and the token: with ZEN_AUTH_TOKEN set, /metrics, /dashboard and its data
need it (ZEN_METRICS_TOKEN opens /metrics alone); /health stays open and says nothing more."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from zen_server.config import Settings
from zen_server.observability.hub import ObservabilityHub
from zen_server.observability.ops import ops_routes
from zen_server.observability.ops_access import OpsAccess, presented_token
from zen_server.observability.readiness import ReadinessReport, assess_readiness

OPERATOR = "operator-token-0123456789abcdef"
SCRAPER = "scraper-token-fedcba9876543210"
BEARER = {"Authorization": f"Bearer {OPERATOR}"}
SCRAPE = {"Authorization": f"Bearer {SCRAPER}"}
WRONG = {"Authorization": "Bearer not-the-token"}


def basic(password: str, user: str = "ops") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def degraded() -> ReadinessReport:
    return assess_readiness(breaker_states={"openai": "open"})


def client(**tokens: str) -> httpx.AsyncClient:
    secrets: dict[str, Any] = {k: SecretStr(v) for k, v in tokens.items()}
    settings = Settings(**secrets)
    hub = ObservabilityHub(settings, process_metrics=False, log_events=False)
    app = Starlette(routes=ops_routes(hub, degraded, OpsAccess.from_settings(settings)))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ops")


@pytest.mark.parametrize("path", ["/metrics", "/dashboard", "/dashboard/data"])
async def test_with_the_token_set_state_routes_refuse_strangers(path: str) -> None:
    async with client(zen_auth_token=OPERATOR) as ops:
        for headers in ({}, WRONG, basic("not-the-token")):
            response = await ops.get(path, headers=headers)
            assert response.status_code == 401, (path, headers)
            assert "ZEN_AUTH_TOKEN" in response.text
        assert (await ops.get(path, headers=BEARER)).status_code == 200
        assert (await ops.get(path, headers=basic(OPERATOR))).status_code == 200


async def test_the_dashboard_asks_a_browser_for_the_token_itself() -> None:
    async with client(zen_auth_token=OPERATOR) as ops:
        response = await ops.get("/dashboard")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Basic realm="zen-server ops"')


async def test_the_metrics_token_opens_metrics_and_nothing_else() -> None:
    async with client(zen_auth_token=OPERATOR, zen_metrics_token=SCRAPER) as ops:
        assert (await ops.get("/metrics", headers=SCRAPE)).status_code == 200
        assert (await ops.get("/metrics", headers=BEARER)).status_code == 200
        assert (await ops.get("/dashboard", headers=SCRAPE)).status_code == 401
        assert (await ops.get("/dashboard/data", headers=SCRAPE)).status_code == 401
        assert "reasons" not in (await ops.get("/ready", headers=SCRAPE)).json()


async def test_a_metrics_token_alone_guards_metrics() -> None:
    async with client(zen_metrics_token=SCRAPER) as ops:
        assert (await ops.get("/metrics")).status_code == 401
        assert (await ops.get("/metrics", headers=SCRAPE)).status_code == 200
        assert (await ops.get("/dashboard")).status_code == 200  # no operator token: open, as before


async def test_health_and_ready_stay_open_but_reveal_nothing_without_the_token() -> None:
    async with client(zen_auth_token=OPERATOR) as ops:
        health = await ops.get("/health")
        ready = await ops.get("/ready")
        ready_with_token = await ops.get("/ready", headers=BEARER)
    assert (health.status_code, health.json()) == (200, {"status": "alive"})
    assert (ready.status_code, ready.json()) == (503, {"status": "degraded"})
    assert ready_with_token.status_code == 503
    assert ready_with_token.json()["reasons"] == ["every provider's circuit breaker is open: openai"]


async def test_without_any_token_everything_stays_open_as_before() -> None:
    async with client() as ops:
        for path in ("/metrics", "/dashboard", "/dashboard/data"):
            assert (await ops.get(path)).status_code == 200, path
        assert (await ops.get("/ready")).json()["reasons"]


@pytest.mark.parametrize(
    ("header", "token"),
    [
        (None, None),
        ("Bearer  abc ", b"abc"),
        ("bearer abc", b"abc"),
        ("Basic " + base64.b64encode(b"u:p:w").decode(), b"p:w"),
        ("Basic " + base64.b64encode(b"nopassword").decode(), None),
        ("Basic not-base64!", None),
        ("Digest abc", None),
        ("Bearer", None),
    ],
)
def test_presented_token_reads_bearer_and_basic_only(header: str | None, token: bytes | None) -> None:
    assert presented_token(header) == token
