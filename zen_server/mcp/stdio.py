"""Serving MCP over stdin/stdout, the transport Claude Code and Claude Desktop launch.

Our own small transport rather than the SDK's ``stdio_server``, for three reasons:

* every line is triaged (``stdio_frames``): unparsable and invalid frames get the JSON-RPC
  error the spec asks for instead of silence, and a refusal before ``initialize`` says so;
* the wire is moved off fd 0 and fd 1 for the server's lifetime (fd 0 then reads
  /dev/null, fd 1 writes to stderr): nothing in the process (a file read of
  /proc/self/fd/0, a child, a stray print) can steal the client's frames or corrupt the
  replies;
* stdin is read by a daemon thread: a blocking read in an ordinary worker thread cannot be
  cancelled and would keep the process alive after a signal. A line longer than
  ``MAX_LINE_BYTES`` is discarded as it arrives (never buffered) and answered -32600.

Stops on stdin EOF or SIGTERM/SIGINT, and drains either way: at EOF the requests already
received are answered before the session ends (``stdio_pending``); at a signal new calls
are refused and the ones in flight finish (``resilience.drain``), both within
ZEN_DRAIN_TIMEOUT_S. A second signal exits at once.
"""

from __future__ import annotations

import asyncio
import codecs
import concurrent.futures
import contextlib
import fcntl
import json
import logging
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

import anyio
import mcp_types as types
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.server.lowlevel import Server
from mcp.shared.message import SessionMessage

from zen_server.mcp.lifecycle import Drainable, stop_on_signal
from zen_server.mcp.stdio_frames import Answer, Forward, Handshake, error_object, triage
from zen_server.mcp.stdio_pending import UnansweredRequests

logger = logging.getLogger(__name__)

_QUEUE_LINES = 256  # backpressure: the reader thread waits when the server falls this far behind
_READ_BYTES = 1 << 16
_WRITE_BATCH = 64  # replies joined into one write at most (bounds one write's size and delay)
MAX_LINE_BYTES = 8 * 1024 * 1024
# After a drain, how long answers of finished calls may take to reach the writer.
_ANSWER_GRACE_S = 2.0
# Stands in for a line that was too long to keep; compared by identity.
OVERSIZED_LINE = "<oversized line>\n"


class DaemonLineReader:
    """Lines from a file descriptor, read by a daemon thread into a bounded queue.

    Reads with ``os.read`` rather than through ``sys.stdin``: a daemon thread blocked inside
    a buffered reader holds its lock, and the interpreter aborts at exit when it finds it held.
    EOF is delivered as "", after the last lines.
    """

    def __init__(self, fd: int, *, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self._fd = fd
        self._max = max_line_bytes
        self._lines: asyncio.Queue[str] | None = None

    async def readline(self) -> str:
        if self._lines is None:
            self._lines = asyncio.Queue(maxsize=_QUEUE_LINES)
            loop = asyncio.get_running_loop()
            threading.Thread(
                target=self._pump, args=(loop, self._lines), name="zen-stdin", daemon=True
            ).start()
        return await self._lines.get()

    def __aiter__(self) -> DaemonLineReader:
        return self

    async def __anext__(self) -> str:
        line = await self.readline()
        if not line:
            raise StopAsyncIteration
        return line

    def _pump(self, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str]) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        discarding = False  # inside a line already found too long: drop until its newline
        while True:
            try:
                chunk = os.read(self._fd, _READ_BYTES)
            except OSError:
                chunk = b""
            pending += decoder.decode(chunk, final=not chunk)
            *complete, pending = pending.split("\n")
            out: list[str] = []
            for item in complete:
                out.append(OVERSIZED_LINE if discarding or len(item) > self._max else f"{item}\n")
                discarding = False
            if len(pending) > self._max:
                pending, discarding = "", True
            if not chunk:
                if pending or discarding:
                    out.append(OVERSIZED_LINE if discarding else f"{pending}\n")  # a last line counts
                out.append("")
            if out:
                try:
                    # Every line of the chunk in one hand-over: under load a chunk holds many
                    # frames, and each round trip to the loop costs a wake-up on both sides.
                    asyncio.run_coroutine_threadsafe(_put_all(lines, out), loop).result()
                except (RuntimeError, concurrent.futures.CancelledError):
                    # The loop closed (RuntimeError) or cancelled the pending put while
                    # shutting down: either way nobody is listening any more.
                    return
            if not chunk:
                return


async def _put_all(lines: asyncio.Queue[str], items: list[str]) -> None:
    for item in items:
        await lines.put(item)  # waits while the queue is full: the reader's backpressure


@contextlib.contextmanager
def wire_off_standard_fds() -> Iterator[tuple[int, int]]:
    """Private duplicates of fd 0 and fd 1 for the wire; fd 0 reads /dev/null, fd 1 goes to stderr."""
    wire_in = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, 3)
    wire_out = fcntl.fcntl(1, fcntl.F_DUPFD_CLOEXEC, 3)
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(null, 0)
        os.dup2(2, 1)
    finally:
        os.close(null)
    try:
        yield wire_in, wire_out
    finally:
        sys.stdout.flush()
        os.dup2(wire_in, 0)
        os.dup2(wire_out, 1)
        # wire_in stays open: the daemon reader may still be blocked on it (closing would
        # let the number be reused under it); the process is ending anyway.
        os.close(wire_out)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


async def _read_frames(
    reader: DaemonLineReader,
    to_server: MemoryObjectSendStream[SessionMessage | Exception],
    replies: MemoryObjectSendStream[str],
    handshake: Handshake,
    unanswered: UnansweredRequests,
    drain_timeout_s: float,
) -> None:
    async with to_server, replies:
        await _forward_lines(reader, to_server, replies, handshake, unanswered)
        # End of input: closing to_server ends the SDK session, which would answer every
        # open request "Connection closed"; let them finish first.
        await unanswered.wait_answered(drain_timeout_s)


async def _forward_lines(
    reader: DaemonLineReader,
    to_server: MemoryObjectSendStream[SessionMessage | Exception],
    replies: MemoryObjectSendStream[str],
    handshake: Handshake,
    unanswered: UnansweredRequests,
) -> None:
    async for line in reader:
        if line is OVERSIZED_LINE:
            too_long = f"Invalid Request: a message over {MAX_LINE_BYTES:,} bytes was discarded"
            await replies.send(_json_line(error_object(None, types.INVALID_REQUEST, too_long)))
            continue
        try:
            verdict = triage(line)
        except Exception:  # a frame must never take the transport down
            logger.exception("could not triage a stdio frame; answering Invalid Request")
            verdict = Answer(json.dumps(error_object(None, types.INVALID_REQUEST, "Invalid Request")))
        if isinstance(verdict, Forward):
            handshake.inbound(verdict.message)
            unanswered.inbound(verdict.message)
            await to_server.send(SessionMessage(verdict.message))
        elif isinstance(verdict, Answer):
            await replies.send(verdict.text + "\n")


def _json_line(value: Any) -> str:
    return json.dumps(value) + "\n"


async def _relay_replies(
    from_server: MemoryObjectReceiveStream[SessionMessage],
    replies: MemoryObjectSendStream[str],
    handshake: Handshake,
    unanswered: UnansweredRequests,
) -> None:
    async with from_server, replies:
        async for session_message in from_server:
            message = handshake.outbound(session_message.message)
            unanswered.outbound(message)
            await replies.send(message.model_dump_json(by_alias=True, exclude_unset=True) + "\n")


async def _write_replies(replies: MemoryObjectReceiveStream[str], fd: int) -> None:
    async with replies:
        async for text in replies:
            # Replies already queued go out in the same write: one thread hop for the lot
            # rather than one per reply (issue 21: the hops were a tenth of a busy server's time).
            batch = [text]
            while len(batch) < _WRITE_BATCH:
                try:
                    batch.append(replies.receive_nowait())
                except (anyio.WouldBlock, anyio.EndOfStream):
                    break
            await anyio.to_thread.run_sync(_write_all, fd, "".join(batch).encode("utf-8"))


async def serve_stdio(
    server: Server[Any], *, drain: Drainable | None = None, drain_timeout_s: float = 30.0
) -> None:
    """Serve one client over stdio until EOF or a stop signal, draining either way (module docstring)."""
    with wire_off_standard_fds() as (wire_in, wire_out):
        to_server, server_reads = anyio.create_memory_object_stream[SessionMessage | Exception](0)
        server_writes, from_server = anyio.create_memory_object_stream[SessionMessage](0)
        replies, outgoing = anyio.create_memory_object_stream[str](_QUEUE_LINES)
        handshake = Handshake()
        unanswered = UnansweredRequests()
        reading = anyio.CancelScope()

        async def read_frames() -> None:
            with reading:
                reader = DaemonLineReader(wire_in)
                await _read_frames(reader, to_server, replies, handshake, unanswered, drain_timeout_s)

        async def stop_reading() -> None:
            # After a signal's drain: the finished calls' answers are on their way to the
            # relay; once they are there, end the session as end of input would.
            await unanswered.wait_answered(_ANSWER_GRACE_S)
            reading.cancel()

        async with anyio.create_task_group() as tg:

            def stop() -> None:
                tg.start_soon(stop_reading)

            tg.start_soon(stop_on_signal, stop, drain, drain_timeout_s)
            async with anyio.create_task_group() as io:
                io.start_soon(_write_replies, outgoing, wire_out)
                io.start_soon(_relay_replies, from_server, replies.clone(), handshake, unanswered)
                io.start_soon(read_frames)
                async with server_reads, server_writes:
                    await server.run(server_reads, server_writes, server.create_initialization_options())
                reading.cancel()  # usually done already: the loop ends at stdin EOF
            # Every reply sender is closed now and the writer has drained the queue.
            logger.info("stdin closed; shutting down")
            tg.cancel_scope.cancel()


__all__ = ["MAX_LINE_BYTES", "DaemonLineReader", "serve_stdio", "wire_off_standard_fds"]
