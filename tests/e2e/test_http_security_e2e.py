"""The HTTP transport's front door on a real `zen-server --transport http` process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.e2e

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "e2e", "version": "0"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def post_initialize(url: str, **headers: str) -> httpx.Response:
    return httpx.post(url, json=INITIALIZE, headers={**MCP_HEADERS, **headers}, timeout=10)


def initialize_result(response: httpx.Response) -> dict[str, Any]:
    """The JSON-RPC result, whether it came as JSON or as one SSE event."""
    if response.headers["content-type"].startswith("application/json"):
        return dict(response.json()["result"])
    data = [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]
    return dict(json.loads(data[0])["result"])


def test_bearer_token_is_required_when_configured(
    server_env: dict[str, str], unused_port: int, tmp_path: Path, http_server: Any
) -> None:
    env = {**server_env, "ZEN_AUTH_TOKEN": "correct-horse-battery-staple"}
    with http_server(env, unused_port, tmp_path / "log") as server:
        missing = post_initialize(server.url)
        wrong = post_initialize(server.url, Authorization="Bearer not-the-token")
        right = post_initialize(server.url, Authorization="Bearer correct-horse-battery-staple")
        health = httpx.get(f"{server.base}/health", timeout=5)

    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert "ZEN_AUTH_TOKEN" in missing.text
    assert right.status_code == 200
    assert initialize_result(right)["serverInfo"]["name"] == "zen"
    assert health.status_code == 200, "probes stay open for load balancers"


def test_foreign_origin_is_forbidden_and_local_origin_allowed(
    server_env: dict[str, str], unused_port: int, tmp_path: Path, http_server: Any
) -> None:
    env = {**server_env, "ZEN_ALLOWED_ORIGINS": "https://ide.example.com"}
    with http_server(env, unused_port, tmp_path / "log") as server:
        foreign = post_initialize(server.url, Origin="https://evil.example")
        local = post_initialize(server.url, Origin="http://localhost:6274")
        configured = post_initialize(server.url, Origin="https://ide.example.com")
        rebound = post_initialize(server.url, Host="evil.example")

    assert foreign.status_code == 403
    assert local.status_code == 200
    assert configured.status_code == 200
    assert rebound.status_code == 421


def test_refuses_to_listen_on_all_interfaces_without_a_token(
    server_env: dict[str, str], unused_port: int, zen_server_cmd: str, process_env: Any
) -> None:
    args = [zen_server_cmd, "--transport", "http", "--host", "0.0.0.0", "--port", str(unused_port)]
    done = subprocess.run(args, env=process_env(server_env), capture_output=True, text=True, timeout=30)

    assert done.returncode == 2
    assert "ZEN_AUTH_TOKEN" in done.stderr
    assert "0.0.0.0" in done.stderr
