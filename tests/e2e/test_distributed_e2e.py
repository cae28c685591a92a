"""Distributed mode as a user meets it: two `zen-server` processes on one Redis share a
thread through a real MCP client, /ready reports the store, and a missing Redis stops the
server at start with one line naming REDIS_URL without its password."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from fakes.testing import FakeServer
from tests.conftest import free_port
from tests.e2e.conftest import HttpServer, chat_args, text_of

pytestmark = pytest.mark.e2e


async def call_chat(url: str, prompt: str, **extra: Any) -> dict[str, Any]:
    async with (
        httpx2.AsyncClient(timeout=httpx2.Timeout(30, read=60)) as http,
        Client(streamable_http_client(url, http_client=http), read_timeout_seconds=60) as client,
    ):
        result = await client.call_tool("chat", chat_args(prompt, **extra))
    assert not result.is_error, text_of(result)
    envelope: dict[str, Any] = json.loads(text_of(result))
    return envelope


def test_missing_redis_stops_the_server_with_one_line_naming_the_masked_url(
    zen_server_cmd: str, server_env: dict[str, str], process_env: Callable[[dict[str, str]], dict[str, str]]
) -> None:
    port = free_port()
    env = process_env(
        {**server_env, "DISTRIBUTED_MODE": "true", "REDIS_URL": f"redis://:t0psecret@127.0.0.1:{port}/0"}
    )
    done = subprocess.run(
        [zen_server_cmd], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(
        "zen-server: configuration error: DISTRIBUTED_MODE=true but the conversation store"
    )
    assert f"REDIS_URL=redis://:***@127.0.0.1:{port}/0" in lines[0]
    assert "t0psecret" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.redis
async def test_a_thread_started_on_one_server_continues_on_another(
    redis_url: str,
    redis_prefix: str,
    server_env: dict[str, str],
    fake: FakeServer,
    tmp_path: Path,
) -> None:
    env = {**server_env, "DISTRIBUTED_MODE": "true", "REDIS_URL": redis_url, "ZEN_REDIS_PREFIX": redis_prefix}
    # Both start at once (start-up dominates this test's time), then each waits for /health.
    first = HttpServer(env, free_port(), tmp_path / "a.log")
    second = HttpServer(env, free_port(), tmp_path / "b.log")
    try:
        first.wait_ready()
        second.wait_ready()
        opened = await call_chat(first.url, "the password is swordfish")
        thread_id = opened["continuation_offer"]["continuation_id"]
        continued = await call_chat(second.url, "what was the password?", continuation_id=thread_id)
        async with httpx.AsyncClient(timeout=5) as http:
            ready = (await http.get(f"{second.base}/ready")).json()
    finally:
        statuses = (first.stop(), second.stop())
    assert statuses == (0, 0), first.output() + second.output()

    assert continued["continuation_offer"]["continuation_id"] == thread_id
    bodies = [call["body"] for call in fake.control.stats(bodies=10).recent]
    second_request = "\n".join(
        str(m.get("content")) for m in bodies[-1]["messages"] if m.get("role") == "user"
    )
    assert "the password is swordfish" in second_request  # the history came from Redis
    assert ready["details"]["store_reachable"] is True
