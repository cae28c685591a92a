"""Serving MCP over stdin/stdout, the transport Claude Code and Claude Desktop launch.

Stops on stdin EOF (the client went away) or SIGTERM/SIGINT. stdin is read by a daemon
thread: a blocking read in an ordinary worker thread cannot be cancelled and would keep
the process alive after a signal until the client happened to write or close the pipe.
"""

from __future__ import annotations

import asyncio
import codecs
import concurrent.futures
import io
import logging
import os
import sys
import threading
from typing import Any

import anyio
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from zen_server.mcp.lifecycle import stop_on_signal

logger = logging.getLogger(__name__)

_QUEUE_LINES = 256  # backpressure: the reader thread waits when the server falls this far behind
_READ_BYTES = 1 << 16


class DaemonLineReader(anyio.AsyncFile[str]):
    """Lines from a file descriptor, read by a daemon thread into a bounded queue.

    Reads with ``os.read`` rather than through ``sys.stdin``: a daemon thread blocked inside
    a buffered reader holds its lock, and the interpreter aborts at exit when it finds it held.
    """

    def __init__(self, fd: int) -> None:
        super().__init__(io.StringIO())  # satisfies AsyncFile; every read goes through readline
        self._fd = fd
        self._lines: asyncio.Queue[str] | None = None

    async def readline(self) -> str:
        if self._lines is None:
            self._lines = asyncio.Queue(maxsize=_QUEUE_LINES)
            loop = asyncio.get_running_loop()
            threading.Thread(
                target=self._pump, args=(loop, self._lines), name="zen-stdin", daemon=True
            ).start()
        return await self._lines.get()

    def _pump(self, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str]) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        while True:
            try:
                chunk = os.read(self._fd, _READ_BYTES)
            except OSError:
                chunk = b""
            pending += decoder.decode(chunk, final=not chunk)
            *complete, pending = pending.split("\n")
            if not chunk and pending:
                complete.append(pending)  # a last line without its newline still counts
            # EOF is delivered to the reader as "", after the last lines.
            for line in [*(f"{item}\n" for item in complete), *([""] if not chunk else [])]:
                try:
                    asyncio.run_coroutine_threadsafe(lines.put(line), loop).result()
                except (RuntimeError, concurrent.futures.CancelledError):
                    # The loop closed (RuntimeError) or cancelled the pending put while
                    # shutting down: either way nobody is listening any more.
                    return
            if not chunk:
                return


def stdin_lines() -> DaemonLineReader:
    return DaemonLineReader(sys.stdin.fileno())


async def serve_stdio(server: Server[Any]) -> None:
    """Serve one client over stdio until EOF or a stop signal."""
    async with anyio.create_task_group() as tg:
        tg.start_soon(stop_on_signal, tg.cancel_scope.cancel)
        # stdout stays claimed by the SDK (stray prints cannot corrupt the wire).
        async with stdio_server(stdin=stdin_lines()) as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())
        logger.info("stdin closed; shutting down")
        tg.cancel_scope.cancel()
