"""The fake on a real socket: a small asyncio + h11 HTTP/1.1 server that plays scripts.

Not uvicorn/starlette on purpose: faults need the raw connection (abort with nothing sent,
send less than the declared Content-Length, stall a stream), which ASGI cannot express.
Keep-alive is supported; a client that goes away cuts short any pause or hang; `stop()`
aborts every connection at once, so a hung request can never hold up shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

import h11

from fakes.engine import FakeEngine
from fakes.script import Drop, FakeRequest, Finish, Gather, Hang, Pause, Script, Send, Start

MAX_BODY_BYTES = 32 * 1024 * 1024
KEEP_ALIVE_S = 30.0
READ_CHUNK = 65536


class _Connection:
    """One client connection: its h11 state, its writer, and a 'stop waiting' event."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.SERVER)
        self.gone = asyncio.Event()  # set when the client disconnects or the server stops

    def abort(self) -> None:
        self.gone.set()
        self.writer.transport.abort()


class WireServer:
    """Serve one `FakeEngine` on host:port (port 0 picks a free one; read `.port` after start)."""

    def __init__(self, engine: FakeEngine, host: str = "127.0.0.1", port: int = 0) -> None:
        self.engine = engine
        self.host = host
        self._requested_port = port
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not started")
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self._requested_port, backlog=1024)

    async def stop(self, timeout_s: float = 5.0) -> None:
        """Stop listening and abort every connection, hung or not; bounded by `timeout_s`."""
        self._closing = True
        if self._server is not None:
            self._server.close()
        for connection in list(self._connections):
            connection.abort()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout_s)

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.get_running_loop().create_task(self._serve(_Connection(reader, writer)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, connection: _Connection) -> None:
        self._connections.add(connection)
        try:
            while not self._closing:
                request = await self._read_request(connection)
                if request is None:
                    break
                with self.engine.exchange(request) as script:
                    reusable = await self._play(connection, script)
                if not reusable or connection.h11.our_state is not h11.DONE:
                    break
                connection.h11.start_next_cycle()
        except h11.RemoteProtocolError as exc:
            self._reject(connection, exc.error_status_hint, str(exc))
        except (ConnectionError, OSError, TimeoutError, h11.LocalProtocolError):
            pass  # the client went away or idled out: nothing left to say to it
        finally:
            self._connections.discard(connection)
            connection.abort()

    @staticmethod
    def _reject(connection: _Connection, status: int, message: str) -> None:
        """Answer a request h11 could not parse, without trusting h11's state any more."""
        body = f'{{"error": "bad HTTP request: {message}"}}'.encode()
        head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\ncontent-type: application/json\r\n"
        head += f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
        with contextlib.suppress(Exception):
            connection.writer.write(head.encode() + body)

    async def _read_request(self, connection: _Connection) -> FakeRequest | None:
        target = b""
        method = b""
        headers: tuple[tuple[str, str], ...] = ()
        body = bytearray()
        while True:
            event = connection.h11.next_event()
            if event is h11.NEED_DATA:
                data = await asyncio.wait_for(connection.reader.read(READ_CHUNK), KEEP_ALIVE_S)
                connection.h11.receive_data(data)
            elif isinstance(event, h11.Request):
                method, target = event.method, event.target
                headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in event.headers)
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > MAX_BODY_BYTES:
                    raise h11.RemoteProtocolError("request body too large", error_status_hint=413)
            elif isinstance(event, h11.EndOfMessage):
                parts = urlsplit(target.decode("latin-1"))
                query = dict(parse_qsl(parts.query, keep_blank_values=True))
                return FakeRequest(method.decode("ascii", "replace"), parts.path, query, bytes(body), headers)
            else:  # ConnectionClosed or PAUSED: no further request on this connection
                return None

    async def _watch(self, connection: _Connection) -> None:
        """While a reply plays, notice the client leaving (and keep any pipelined bytes)."""
        with contextlib.suppress(ConnectionError, OSError):
            while data := await connection.reader.read(READ_CHUNK):
                connection.h11.receive_data(data)
        connection.gone.set()

    async def _interrupted(self, connection: _Connection, seconds: float | None) -> bool:
        """Wait `seconds` (None: forever); True when the client left or the server is stopping."""
        try:
            await asyncio.wait_for(connection.gone.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def _play(self, connection: _Connection, script: Script) -> bool:
        """Play the script; True when the connection may carry another request."""
        watcher = asyncio.get_running_loop().create_task(self._watch(connection))
        writer, conn = connection.writer, connection.h11
        try:
            for step in script.steps:
                if isinstance(step, Pause):
                    if await self._interrupted(connection, step.seconds):
                        return False
                elif isinstance(step, Start):
                    headers = [*step.headers, ("server", "zen-fakes")]
                    if step.content_length is None:
                        headers.append(("transfer-encoding", "chunked"))
                    else:
                        headers.append(("content-length", str(step.content_length)))
                    if self._closing:
                        headers.append(("connection", "close"))
                    reason = (
                        HTTPStatus(step.status).phrase if step.status in HTTPStatus._value2member_map_ else ""
                    )
                    writer.write(
                        conn.send(h11.Response(status_code=step.status, headers=headers, reason=reason))
                    )
                elif isinstance(step, Send):
                    writer.write(conn.send(h11.Data(data=step.data)))
                    await writer.drain()
                elif isinstance(step, Finish):
                    writer.write(conn.send(h11.EndOfMessage()))
                    await writer.drain()
                elif isinstance(step, Drop):
                    return False
                elif isinstance(step, Hang):
                    await self._interrupted(connection, None)
                    return False
                elif isinstance(step, Gather) and not await self.engine.rendezvous.meet(
                    step.count, connection.gone
                ):
                    return False
            return not connection.gone.is_set()
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
