"""Operations endpoints: mounted on the HTTP app, and on a loopback listener beside stdio."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

pytestmark = pytest.mark.e2e


def test_http_app_serves_health_ready_and_metrics_after_a_call(
    server_env: dict[str, str],
    unused_port: int,
    tmp_path: Path,
    http_server: Callable[..., AbstractContextManager[Any]],
) -> None:
    with http_server(server_env, unused_port, tmp_path / "log") as server:
        ready = httpx.get(f"{server.base}/ready", timeout=5)
        metrics = httpx.get(f"{server.base}/metrics", timeout=5)

    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert metrics.status_code == 200 and "zen_" in metrics.text


async def test_stdio_server_opens_the_ops_listener_on_zen_ops_port(
    server_env: dict[str, str], unused_port: int, zen_server_cmd: str
) -> None:
    env = {**server_env, "ZEN_OPS_PORT": str(unused_port)}
    async with Client(StdioServerParameters(command=zen_server_cmd, env=env)) as client:
        await client.call_tool("version", {})
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{unused_port}", timeout=5) as http:
            health = await http.get("/health")
            metrics = await http.get("/metrics")

    assert health.status_code == 200 and health.json()["status"] == "alive"
    assert 'tool="version"' in metrics.text


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_audit_line_names_session_model_and_digest_but_never_the_prompt(
    connect: Any, transport: str, mode: str, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    async with connect(mode=mode, ZEN_AUDIT_LOG=str(audit)) as client:
        result = await client.call_tool(
            "chat",
            {"prompt": "top secret plan", "model": "llama3.2", "working_directory_absolute_path": "/tmp"},
        )
        assert not result.is_error

    text = audit.read_text()  # the server has exited: the audit log is flushed
    calls = [json.loads(line) for line in text.splitlines() if '"tool_call"' in line]
    assert "top secret plan" not in text
    (call,) = [c for c in calls if c["tool"] == "chat"]
    assert (call["outcome"], call["provider"], call["model"]) == ("success", "custom", "llama3.2")
    assert len(call["arguments_sha256"]) == 64
    assert call["continuation_id"]
    if transport == "http" and mode == "legacy":
        assert call["session_id"], "HTTP calls in a handshake-era session carry its Mcp-Session-Id"
    else:
        # stdio has one client per process; the 2026 protocol has no sessions at all.
        assert call["session_id"] is None


def test_with_a_token_the_http_listener_guards_metrics_and_dashboard_but_not_health(
    server_env: dict[str, str],
    unused_port: int,
    tmp_path: Path,
    http_server: Callable[..., AbstractContextManager[Any]],
) -> None:
    token = "e2e-operator-token-0123456789"
    env = {**server_env, "ZEN_AUTH_TOKEN": token, "ZEN_METRICS_TOKEN": "e2e-scraper-token-9876543210"}
    with http_server(env, unused_port, tmp_path / "log") as server:
        stranger = {path: httpx.get(f"{server.base}{path}", timeout=5) for path in ("/metrics", "/dashboard")}
        scraper = httpx.get(
            f"{server.base}/metrics", headers={"Authorization": f"Bearer {env['ZEN_METRICS_TOKEN']}"}
        )
        operator = httpx.get(f"{server.base}/dashboard/data", headers={"Authorization": f"Bearer {token}"})
        health = httpx.get(f"{server.base}/health", timeout=5)

    assert {path: r.status_code for path, r in stranger.items()} == {"/metrics": 401, "/dashboard": 401}
    assert scraper.status_code == 200 and "zen_" in scraper.text
    assert operator.status_code == 200 and "readiness" in operator.json()
    assert (health.status_code, health.json()) == (200, {"status": "alive"})


async def test_the_stdio_ops_listener_is_guarded_by_the_same_token(
    server_env: dict[str, str], unused_port: int, zen_server_cmd: str
) -> None:
    token = "e2e-operator-token-0123456789"
    env = {**server_env, "ZEN_OPS_PORT": str(unused_port), "ZEN_AUTH_TOKEN": token}
    async with Client(StdioServerParameters(command=zen_server_cmd, env=env)) as client:
        await client.call_tool("version", {})
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{unused_port}", timeout=5) as http:
            refused = await http.get("/metrics")
            allowed = await http.get("/metrics", headers={"Authorization": f"Bearer {token}"})

    assert refused.status_code == 401
    assert allowed.status_code == 200 and 'tool="version"' in allowed.text
