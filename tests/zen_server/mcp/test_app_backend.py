"""The real application behind the MCP handlers, in process: tools, prompts, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import mcp_types as types
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from zen_server.config import load_settings
from zen_server.mcp import build_mcp_server
from zen_server.mcp.app_backend import ZenAppBackend
from zen_server.server import ZenApp, build_app


@pytest.fixture
async def app() -> AsyncIterator[ZenApp]:
    built = build_app(load_settings(custom_api_url="http://127.0.0.1:9/v1", disabled_tools="planner"))
    await built.start(transport="test")
    try:
        yield built
    finally:
        await built.aclose()


async def test_tools_list_is_the_registry_with_its_schemas(app: ZenApp) -> None:
    async with Client(build_mcp_server(ZenAppBackend(app)), mode="legacy") as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}

    assert list(tools) == app.registry.names()
    assert "planner" not in tools
    chat = app.registry.get("chat")
    assert tools["chat"].input_schema == chat.input_schema(app.catalog, app.settings)


async def test_prompts_follow_enabled_tools_and_render(app: ZenApp) -> None:
    async with Client(build_mcp_server(ZenAppBackend(app)), mode="legacy") as client:
        names = [p.name for p in (await client.list_prompts()).prompts]
        got = await client.get_prompt("thinkdeeper", {"model": "llama3.2", "thinking_mode": "high"})
        with pytest.raises(MCPError, match="unknown prompt"):
            await client.get_prompt("planner")

    assert "chat" in names and "continue" in names and "planner" not in names
    content = got.messages[0].content
    assert isinstance(content, types.TextContent)
    assert "llama3.2" in content.text and "high" in content.text


async def test_version_runs_through_the_executor(app: ZenApp) -> None:
    async with Client(build_mcp_server(ZenAppBackend(app)), mode="legacy") as client:
        result = await client.call_tool("version", {})

    assert not result.is_error
    block = result.content[0]
    assert isinstance(block, types.TextContent) and "0.1.0" in block.text


async def test_readiness_reports_ready_with_closed_breakers(app: ZenApp) -> None:
    report = await app.readiness()
    assert report.ready, report.reasons
