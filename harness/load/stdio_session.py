"""One MCP session over stdio: the server is a child process, JSON-RPC is one line each way.

``McpStdioSession`` starts the server command, speaks newline-delimited JSON-RPC on its
stdin/stdout, and waits for the response with the request's id, skipping notifications
and server-to-client requests. Reads go through ``select`` with a deadline, so a silent
server is a ``timeout`` and never a hang; under Locust gevent patches ``select`` and the
pipes, so one waiting user does not block the others. The child's stderr goes to a file
(or is discarded) so a chatty server cannot fill a pipe and stall.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import select
import subprocess
import time
from collections.abc import Mapping, Sequence
from typing import IO, Any

from harness.launcher.environment import server_environment
from harness.launcher.stopping import terminate_then_kill_blocking
from harness.load import wire

MAX_LINE_BYTES = 64 * 1024 * 1024  # a reply bigger than this is a broken server, not a reply


class McpStdioSession:
    """Start ``command`` and hold one initialised MCP session with it; close() stops it."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        timeout_s: float = 30.0,
        stderr_path: str | None = None,
    ) -> None:
        self._timeout_s = timeout_s
        self._ids = itertools.count(1)
        self._buffer = b""
        self._stderr: IO[bytes] | None = open(stderr_path, "ab") if stderr_path else None  # noqa: SIM115
        self.process = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr if self._stderr is not None else subprocess.DEVNULL,
            env=server_environment(env),
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(message).encode() + b"\n")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError, OSError) as exc:
            raise wire.WireError("transport_error", f"server stdin closed: {exc}") from exc

    def _read_line(self, deadline: float) -> bytes:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise wire.WireError("timeout", "no answer in time")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise wire.WireError("transport_error", f"server closed stdout (exit {self.process.poll()})")
            self._buffer += chunk
            if len(self._buffer) > MAX_LINE_BYTES:
                raise wire.WireError("protocol_error", "a line longer than 64 MiB")
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def request(
        self, method: str, params: dict[str, Any] | None = None, *, timeout_s: float | None = None
    ) -> tuple[dict[str, Any], int]:
        """Send one request and wait for its response; its result and the line's size."""
        request_id = next(self._ids)
        self._send(wire.request(request_id, method, params))
        deadline = time.monotonic() + (self._timeout_s if timeout_s is None else timeout_s)
        while True:
            line = self._read_line(deadline)
            if not line.strip():
                continue
            try:
                message = json.loads(line)
            except ValueError:
                continue  # a stray print on stdout is the server's bug, not our reply
            if isinstance(message, dict) and wire.response_for([message], request_id) is not None:
                return wire.result_of(message), len(line)

    def initialize(self) -> dict[str, Any]:
        result, _ = self.request("initialize", wire.initialize_request(0)["params"])
        self._send(wire.notification("notifications/initialized"))
        return result

    def list_tools(self) -> list[dict[str, Any]]:
        result, _ = self.request("tools/list")
        return [t for t in result.get("tools", []) if isinstance(t, dict)]

    def call_tool(
        self, tool: str, arguments: dict[str, Any], *, timeout_s: float | None = None
    ) -> wire.ToolReply:
        result, size = self.request("tools/call", {"name": tool, "arguments": arguments}, timeout_s=timeout_s)
        return wire.tool_reply(result, size)

    def close(self, timeout_s: float = 5.0) -> None:
        """Close stdin (the stdio way to say goodbye), then terminate, then kill."""
        with contextlib.suppress(OSError, ValueError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            terminate_then_kill_blocking(self.process, timeout_s, timeout_s)
        if self.process.stdout is not None:
            self.process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
