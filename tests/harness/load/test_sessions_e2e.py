"""The load users' MCP sessions against real MCP servers (the SDK-based fragile server, zen_server)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness.launcher import HttpServerProcess
from harness.load.http_session import McpHttpSession
from harness.load.stdio_session import McpStdioSession
from harness.load.wire import WireError

pytestmark = pytest.mark.e2e

FRAGILE = Path(__file__).parents[1] / "chaos" / "fragile_server.py"


def test_http_session_handshakes_lists_and_calls_over_streamable_http(tmp_path: Path) -> None:
    command = [sys.executable, str(FRAGILE), "--http", "{port}"]
    with HttpServerProcess(command, log_path=tmp_path / "server.log") as server:
        session = McpHttpSession(server.url, timeout_s=10)
        try:
            info = session.initialize()
            assert session.session_id, "the server assigns a session id that later requests carry"
            assert info["serverInfo"]["name"] == "fragile"
            assert {"chat", "echo", "block"} <= {t["name"] for t in session.list_tools()}
            reply = session.call_tool("echo", {"text": "hello over http"})
            assert reply.ok and reply.text == "hello over http" and reply.size > 0
        finally:
            session.close()


def test_http_session_reports_a_slow_call_as_a_timeout(tmp_path: Path) -> None:
    command = [sys.executable, str(FRAGILE), "--http", "{port}"]
    with HttpServerProcess(command, log_path=tmp_path / "server.log") as server:
        session = McpHttpSession(server.url, timeout_s=10)
        try:
            session.initialize()
            with pytest.raises(WireError) as caught:
                session.call_tool("block", {"seconds": 2}, timeout_s=0.5)
            assert caught.value.kind == "timeout"
        finally:
            session.close()


def test_http_session_to_nothing_is_a_transport_error() -> None:
    session = McpHttpSession("http://127.0.0.1:9/mcp", timeout_s=2)
    with pytest.raises(WireError) as caught:
        session.initialize()
    assert caught.value.kind == "transport_error"
    session.close()


def test_stdio_session_starts_the_server_and_calls_tools(tmp_path: Path) -> None:
    session = McpStdioSession(
        [sys.executable, str(FRAGILE)], timeout_s=20, stderr_path=str(tmp_path / "err.log")
    )
    try:
        session.initialize()
        assert "echo" in {t["name"] for t in session.list_tools()}
        assert session.call_tool("echo", {"text": "over stdio"}).text == "over stdio"
        with pytest.raises(WireError) as caught:
            session.call_tool("block", {"seconds": 3}, timeout_s=0.3)
        assert caught.value.kind == "timeout"
    finally:
        session.close()
    assert session.process.poll() is not None, "close() must end the server process"


def test_stdio_session_reports_a_server_that_exits_as_a_transport_error() -> None:
    session = McpStdioSession([sys.executable, "-c", "import sys; sys.stdin.readline()"], timeout_s=5)
    try:
        with pytest.raises(WireError) as caught:
            session.initialize()
        assert caught.value.kind == "transport_error"
    finally:
        session.close()
