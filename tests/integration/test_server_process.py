"""Issue 5 through the real thing: `zen-server --transport http` as a process, the SDK's client.

One server process, two fake providers: the primary (OpenAI) answers 503 to everything, the
secondary (OpenRouter) works. Over one MCP session the test checks what a client sees:
fallback named in the result, the busy error when admission is full, and the expiry error
for an evicted thread.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import anyio
import httpx2
import mcp_types as types
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.integration.conftest import FakeFactory, ZenProcess

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def args(prompt: str, **extra: Any) -> dict[str, Any]:
    return {"prompt": prompt, "model": "gpt5", "working_directory_absolute_path": "/tmp", **extra}


def text_of(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


async def test_fallback_busy_and_expired_as_an_mcp_client_sees_them(
    fakes: FakeFactory, zen_http_server: Callable[[dict[str, str]], AbstractAsyncContextManager[ZenProcess]]
) -> None:
    primary = fakes(faults=[{"kind": "error", "status": 503, "rate": 1.0}])
    secondary = fakes(latency_ms=500)
    env = {
        "OPENAI_API_KEY": "sk-integration-0000",
        "OPENAI_BASE_URL": primary.url,
        "OPENROUTER_API_KEY": "sk-or-integration-0000",
        "OPENROUTER_BASE_URL": secondary.url,
        "MAX_CONCURRENT_REQUESTS": "2",
        "MAX_QUEUED_REQUESTS": "0",
        "ZEN_SESSION_MAX_IN_FLIGHT": "2",
        "ZEN_STORE_MAX_THREADS": "2",
        "ZEN_TOOL_DEADLINE_S": "20",
    }
    async with (
        zen_http_server(env) as server,
        httpx2.AsyncClient(timeout=httpx2.Timeout(30, read=60)) as http,
        Client(streamable_http_client(server.url, http_client=http), read_timeout_seconds=60) as client,
    ):
        # 1. The primary is down: the call succeeds through the secondary and says so.
        first = await client.call_tool("chat", args("remember 42"))
        assert not first.is_error, text_of(first)
        envelope = json.loads(text_of(first))
        assert envelope["metadata"]["provider_used"] == "openrouter"
        assert envelope["metadata"]["model_used"] == "openai/gpt-5"
        assert "FAKE-REPLY model=openai/gpt-5" in envelope["content"]
        oldest_thread = envelope["continuation_offer"]["continuation_id"]

        # 2. Six at once with two slots and no queue: two answer, four get the busy error.
        results: list[types.CallToolResult] = []

        async def one(i: int) -> None:
            results.append(await client.call_tool("chat", args(f"burst {i}")))

        async with anyio.create_task_group() as tg:
            for i in range(6):
                tg.start_soon(one, i)
        busy = [r for r in results if r.is_error]
        answered = [r for r in results if not r.is_error]
        assert len(answered) == 2 and len(busy) == 4, [text_of(r) for r in busy]
        for result in busy:
            assert re.search(r"server busy.*retry after \d+ s", text_of(result)), text_of(result)

        # 3. Three threads were written and the store keeps two: the first one is gone.
        late = await client.call_tool("chat", args("what number?", continuation_id=oldest_thread))
        assert late.is_error
        assert "expired or was evicted" in text_of(late)

    assert primary.requests() >= 1 and secondary.requests() == 3
