"""A small typed async MCP client for the harness: connect, list tools, call with a timeout.

It owns the one place where the harness touches the MCP SDK's client side (stdio and
streamable HTTP), so chaos and load code can drive ANY MCP server the same way:

- ``StdioEndpoint`` / ``HttpEndpoint`` say where the server is;
- ``McpClient.connect(endpoint)`` opens one initialised session (an async context manager);
- ``McpClient.call(tool, arguments, timeout_s=...)`` never raises for a failed call: it
  returns a ``CallOutcome`` with the latency and one of the outcome kinds below, which is
  what a load generator or a hypothesis needs to count.

Outcome kinds: ``ok`` (a result, not flagged as an error), ``tool_error`` (isError, or a JSON
text whose ``status`` is ``error``), ``protocol_error`` (a JSON-RPC error response),
``timeout`` (no answer within the timeout), ``transport_error`` (the connection is gone).
A stdio server is started through ``sh`` so its pid is known for kill -9 and RSS sampling.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

import anyio
import mcp_types
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from harness.launcher.environment import server_environment

__all__ = [
    "CallOutcome",
    "Endpoint",
    "HttpEndpoint",
    "McpClient",
    "OutcomeKind",
    "StdioEndpoint",
]

# What the SDK raises when the server answered 404 for the session id (server-side text,
# or the SDK's own stand-in when the 404 carried no JSON-RPC body).
SESSION_GONE_MESSAGES = ("Session not found", "Session terminated")

OutcomeKind = Literal["ok", "tool_error", "protocol_error", "timeout", "transport_error"]
FAILURE_KINDS: frozenset[str] = frozenset({"tool_error", "protocol_error", "timeout", "transport_error"})


@dataclass(frozen=True)
class StdioEndpoint:
    """A server the client starts itself and talks to over stdin/stdout."""

    command: str
    args: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: str | None = None
    # Our environment (so PATH/venv/HOME-based config works) without real provider settings.
    inherit_env: bool = True
    stderr_path: str | None = None  # where the server's stderr goes (default: ours)


@dataclass(frozen=True)
class HttpEndpoint:
    """A running server reached over streamable HTTP (e.g. ``http://127.0.0.1:8000/mcp``)."""

    url: str


Endpoint = StdioEndpoint | HttpEndpoint


@dataclass(frozen=True)
class CallOutcome:
    """What one tool call came to: kind, latency and the text the server returned."""

    tool: str
    kind: OutcomeKind
    started: float  # time.monotonic() when the call was sent
    latency_s: float
    text: str = ""
    error: str | None = None
    # The server said the session does not exist (HTTP 404): the request was never run, and
    # the spec tells the client to open a new session (behind a balancer: on another instance).
    session_gone: bool = False

    @property
    def ok(self) -> bool:
        return self.kind == "ok"

    def json(self) -> Any:
        """The result text parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.text)
        except (ValueError, TypeError):
            return None


def _result_text(result: mcp_types.CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, mcp_types.TextContent))


def _classify(result: mcp_types.CallToolResult, text: str) -> OutcomeKind:
    if result.is_error:
        return "tool_error"
    # Zen-style servers may report failure inside the JSON text without isError.
    if text.startswith("{"):
        try:
            body = json.loads(text)
        except ValueError:
            return "ok"
        if isinstance(body, dict) and str(body.get("status", "")).lower() == "error":
            return "tool_error"
    return "ok"


class McpClient:
    """One initialised MCP session; safe to call concurrently from several tasks."""

    def __init__(self, session: ClientSession, *, pid: int | None) -> None:
        self._session = session
        self.pid = pid  # the stdio server's pid; None for HTTP endpoints

    @classmethod
    @asynccontextmanager
    async def connect(cls, endpoint: Endpoint, *, init_timeout_s: float = 30.0) -> AsyncIterator[McpClient]:
        """Open, initialise and list tools (bounded by ``init_timeout_s``); close on exit."""
        if isinstance(endpoint, HttpEndpoint):
            async with (
                streamable_http_client(endpoint.url) as (read, write),
                ClientSession(read, write) as session,
            ):
                with anyio.fail_after(init_timeout_s):
                    await session.initialize()
                    await session.list_tools()  # the SDK wants tools listed before calls
                yield cls(session, pid=None)
            return
        with tempfile.TemporaryDirectory(prefix="mcp-client-") as tmp:
            pid_file = Path(tmp) / "pid"
            params = stdio_parameters(endpoint, pid_file)
            with ExitStack() as files:
                errlog = _errlog(endpoint.stderr_path, files)
                async with (
                    stdio_client(params, errlog=errlog) as (read, write),
                    ClientSession(read, write) as session,
                ):
                    with anyio.fail_after(init_timeout_s):
                        await session.initialize()
                        await session.list_tools()
                    yield cls(session, pid=_read_pid(pid_file))

    async def list_tools(self, *, timeout_s: float = 30.0) -> list[str]:
        with anyio.fail_after(timeout_s):
            result = await self._session.list_tools()
        return [tool.name for tool in result.tools]

    async def call(self, tool: str, arguments: Mapping[str, Any], *, timeout_s: float) -> CallOutcome:
        """Call ``tool``; every failure becomes an outcome kind, never an exception."""
        started = time.monotonic()

        def done(
            kind: OutcomeKind, text: str = "", error: str | None = None, gone: bool = False
        ) -> CallOutcome:
            return CallOutcome(tool, kind, started, time.monotonic() - started, text, error, gone)

        try:
            # The SDK's own timeout sends the courtesy cancel; fail_after is the hard bound.
            with anyio.fail_after(timeout_s + 1.0):
                result = await self._session.call_tool(tool, dict(arguments), read_timeout_seconds=timeout_s)
        except TimeoutError:
            return done("timeout", error=f"no answer within {timeout_s:g}s")
        except MCPError as exc:
            if str(exc).startswith(SESSION_GONE_MESSAGES):
                return done("transport_error", error=f"session gone: {exc}", gone=True)
            if exc.code == mcp_types.CONNECTION_CLOSED:
                return done("transport_error", error=str(exc) or "connection closed")
            if exc.code == mcp_types.REQUEST_TIMEOUT:
                return done("timeout", error=f"no answer within {timeout_s:g}s")
            return done("protocol_error", error=f"{exc.code}: {exc}")
        except (OSError, anyio.BrokenResourceError, anyio.ClosedResourceError, anyio.EndOfStream) as exc:
            return done("transport_error", error=f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # transports raise their own types (httpx, SDK errors)
            return done("transport_error", error=f"{type(exc).__name__}: {exc}")
        text = _result_text(result)
        kind = _classify(result, text)
        return done(kind, text, text[:300] if kind != "ok" else None)


def stdio_parameters(endpoint: StdioEndpoint, pid_file: Path) -> StdioServerParameters:
    """How the SDK client starts the server: its argv (pid recorded) and its whole environment."""
    env = server_environment(endpoint.env) if endpoint.inherit_env else dict(endpoint.env)
    # sh records its pid then execs the server, so the pid is the server's own.
    script = 'echo $$ > "$0"; exec "$@"'
    return StdioServerParameters(
        command="/bin/sh",
        args=["-c", script, str(pid_file), endpoint.command, *endpoint.args],
        env=env,
        cwd=endpoint.cwd,
    )


def _errlog(path: str | None, files: ExitStack) -> TextIO:
    """The server's stderr: a log file when given (kept open for the session), else ours."""
    if path is None:
        return sys.stderr
    return files.enter_context(open(path, "a", encoding="utf-8"))


def _read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
