"""The MCP handlers, driven in process by the SDK's own client (both protocol eras)."""

from __future__ import annotations

import anyio
import mcp_types as types
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from zen_server import __version__
from zen_server.mcp import build_mcp_server
from zen_server.mcp.handlers import to_call_result
from zen_server.mcp.testing import ECHO_SCHEMA, FakeBackend
from zen_server.tools.base import ToolResult

MODES = ["legacy", "auto"]


def text_of(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


@pytest.mark.parametrize("mode", MODES)
async def test_server_identifies_as_zen_with_our_version(backend: FakeBackend, mode: str) -> None:
    async with Client(build_mcp_server(backend), mode=mode) as client:
        info = client.server_info
        assert info is not None
        assert (info.name, info.version) == ("zen", __version__)


@pytest.mark.parametrize("mode", MODES)
async def test_tools_list_sends_each_schema_unchanged(backend: FakeBackend, mode: str) -> None:
    async with Client(build_mcp_server(backend), mode=mode) as client:
        listed = {t.name: t for t in (await client.list_tools()).tools}

    assert set(listed) == {"echo", "wait"}
    assert listed["echo"].input_schema == ECHO_SCHEMA
    assert listed["echo"].description == "Echo text back."
    assert listed["echo"].title == "Echo"


@pytest.mark.parametrize("mode", MODES)
async def test_call_passes_arguments_and_returns_text(backend: FakeBackend, mode: str) -> None:
    async with Client(build_mcp_server(backend), mode=mode) as client:
        result = await client.call_tool("echo", {"text": "hi", "mode": "loud"})

    assert not result.is_error
    assert text_of(result) == "HI"
    (call,) = backend.calls
    assert call.arguments == {"text": "hi", "mode": "loud"}
    assert call.session_id is None  # in process: no HTTP session
    assert len(call.request_id) == 32


@pytest.mark.parametrize("mode", MODES)
async def test_error_status_becomes_is_error(backend: FakeBackend, mode: str) -> None:
    async with Client(build_mcp_server(backend), mode=mode) as client:
        result = await client.call_tool("missing", {})

    assert result.is_error
    assert "unknown tool 'missing'" in text_of(result)


@pytest.mark.parametrize("mode", MODES)
async def test_progress_is_forwarded_to_a_client_that_asked(backend: FakeBackend, mode: str) -> None:
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with Client(build_mcp_server(backend), mode=mode) as client:
        await client.call_tool("echo", {"text": "x"}, progress_callback=on_progress)

    assert seen == [(1, 2, "halfway"), (2, 2, "done")]


async def test_client_cancellation_cancels_the_tool_task(backend: FakeBackend) -> None:
    # legacy mode runs real JSON-RPC over memory streams: the abandoned request sends
    # notifications/cancelled, which must cancel the handler and the tool beneath it.
    async with Client(build_mcp_server(backend), mode="legacy") as client:
        async with anyio.create_task_group() as tg:

            async def call() -> None:
                await client.call_tool("wait", {})

            tg.start_soon(call)
            with anyio.fail_after(5):
                await backend.started.wait()
            tg.cancel_scope.cancel()
        with anyio.fail_after(5):
            await backend.cancelled.wait()
        # The connection keeps serving after a cancellation.
        assert text_of(await client.call_tool("echo", {"text": "after"})) == "after"


@pytest.mark.parametrize("mode", MODES)
async def test_prompts_list_and_get(backend: FakeBackend, mode: str) -> None:
    async with Client(build_mcp_server(backend), mode=mode) as client:
        prompts = (await client.list_prompts()).prompts
        got = await client.get_prompt("echo")
        with pytest.raises(MCPError, match="unknown prompt 'nope'"):
            await client.get_prompt("nope")

    assert [p.name for p in prompts] == ["echo"]
    assert prompts[0].arguments is not None and prompts[0].arguments[0].name == "text"
    content = got.messages[0].content
    assert isinstance(content, types.TextContent) and content.text == "Use the echo tool"


def test_success_and_error_results_map_to_is_error() -> None:
    assert to_call_result(ToolResult(content="ok")).is_error is False
    assert to_call_result(ToolResult(content="bad", status="error")).is_error is True
