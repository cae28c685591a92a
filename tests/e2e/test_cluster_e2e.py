"""A real cluster: two zen-server instances in distributed mode, the harness's redis-server,
and HAProxy in front, driven by the MCP SDK client through HAProxy.

The session's instance is killed (kill -9) after the first turn: the client's next request
gets the spec's 404, it opens a new session (on the surviving instance) and continues the
same thread there, with the first turn in the history the provider sees. Needs haproxy and
redis-server: skipped without them, failed under CI=true.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.testing import FakeServer
from harness.cluster.cluster import Cluster
from harness.gates.cluster_stack import redis_backed_cluster
from harness.mcp_client import HttpEndpoint, McpClient
from tests.conftest import need_cluster_tools

pytestmark = pytest.mark.e2e

CHAT: dict[str, Any] = {"model": "llama3.2", "working_directory_absolute_path": "/tmp"}
CHAT_CALLS = re.compile(r'^zen_tool_calls_total\{[^}]*tool="chat"[^}]*\} (\d+(?:\.\d+)?)$', re.M)


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with FakeServer("openai", seed=3) as server:
        yield server


@pytest.fixture
async def cluster(tmp_path: Path, fake: FakeServer) -> AsyncIterator[Cluster]:
    need_cluster_tools()
    env = {
        "PATH": "/usr/bin:/bin",
        "CUSTOM_API_URL": fake.openai_base_url,
        "CUSTOM_API_KEY": "e2e-key",
        "CUSTOM_MODEL_NAME": "llama3.2",
        "LOG_LEVEL": "WARNING",
    }
    async with redis_backed_cluster(2, env, tmp_path, drain_timeout_s=5) as running:
        yield running


def chat_calls(base_url: str) -> float:
    text = httpx.get(f"{base_url}/metrics", timeout=5).text
    return sum(float(v) for v in CHAT_CALLS.findall(text))


async def test_a_thread_continues_on_another_instance_after_its_session_instance_is_killed(
    cluster: Cluster, fake: FakeServer
) -> None:
    async with McpClient.connect(HttpEndpoint(cluster.url)) as client:
        first = await client.call("chat", {**CHAT, "prompt": "first turn FIRSTMARK"}, timeout_s=30)
        assert first.ok, first.error
        thread = json.loads(first.text)["continuation_offer"]["continuation_id"]
        served = [i for i, instance in enumerate(cluster.instances) if chat_calls(instance.base_url) > 0]
        assert len(served) == 1, "one instance served the session's call"
        await cluster.kill(served[0])

        gone = await client.call(
            "chat", {**CHAT, "prompt": "second", "continuation_id": thread}, timeout_s=30
        )
        assert gone.kind == "transport_error" and gone.session_gone, gone

    # What a client does on 404: a new session (HAProxy places it on the survivor).
    async with McpClient.connect(HttpEndpoint(cluster.url)) as client:
        second = await client.call(
            "chat", {**CHAT, "prompt": "second turn", "continuation_id": thread}, timeout_s=30
        )
    assert second.ok, second.error
    assert json.loads(second.text)["continuation_offer"]["continuation_id"] == thread
    # The provider request of the second turn carried the first: the survivor read it from Redis.
    last_request = json.dumps(fake.control.stats(bodies=1).recent[-1])
    assert "FIRSTMARK" in last_request and "second turn" in last_request
    survivor = cluster.instances[1 - served[0]]
    assert chat_calls(survivor.base_url) >= 1
