"""The MCP client wrapper turns every way a call can end into an outcome kind, never an exception."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness.mcp_client import McpClient, StdioEndpoint

FRAGILE = str(Path(__file__).with_name("fragile_server.py"))


def endpoint(tmp_path: Path) -> StdioEndpoint:
    return StdioEndpoint(sys.executable, (FRAGILE,), stderr_path=str(tmp_path / "server.log"))


async def test_outcomes_for_ok_tool_error_and_timeout(tmp_path: Path) -> None:
    async with McpClient.connect(endpoint(tmp_path)) as client:
        assert client.pid is not None
        assert set(await client.list_tools()) >= {"chat", "echo", "block"}
        ok = await client.call("echo", {"text": "hello"}, timeout_s=5)
        assert ok.kind == "ok" and ok.text == "hello" and ok.latency_s > 0
        unknown = await client.call("no_such_tool", {}, timeout_s=5)
        assert unknown.kind == "tool_error"
        slow = await client.call("block", {"seconds": 2}, timeout_s=0.5)
        # Cut by the client's timeout (an answer after the 2 s block would be "ok").
        assert slow.kind == "timeout" and slow.latency_s >= 0.5


async def test_a_killed_server_is_a_transport_error(tmp_path: Path) -> None:
    async with McpClient.connect(endpoint(tmp_path)) as client:
        assert client.pid is not None
        os.kill(client.pid, 9)
        outcome = await client.call("echo", {"text": "x"}, timeout_s=5)
        assert outcome.kind == "transport_error"  # seen as a dead server, not waited out as a timeout
