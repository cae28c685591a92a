"""Slow clients cut off: a deadline for request headers and one for the request body.

uvicorn has no header read timeout (its keep-alive timer stops at the first byte), so a
slowloris client trickling one header line at a time would hold a connection forever.

* ``header_timeout_protocol(seconds)``: uvicorn's h11 protocol with a timer armed when a
  connection is ready for a request (opened, or the previous response sent) and disarmed
  once the request's headers are complete. When it fires the connection gets ``408`` and
  is closed.
* ``BodyReadGuard``: ASGI middleware that reads a request body within ``timeout_s`` and at
  most ``max_bytes`` (``413`` beyond), then hands the app the whole body at once; a body
  that stops arriving gets ``408`` instead of holding a handler.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

_REQUEST_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class HeaderTimeoutProtocol(H11Protocol):
    """h11 protocol whose request headers must arrive within ``header_timeout_s``."""

    header_timeout_s: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # the request line and headers are in

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm()  # keep-alive: the next request's headers get the same deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        self.transport.write(_REQUEST_TIMEOUT)
        self.transport.close()


def header_timeout_protocol(seconds: float) -> type[HeaderTimeoutProtocol]:
    """The protocol class uvicorn should use (``Config(http=...)``) for this header deadline."""
    return type("H11HeaderDeadline", (HeaderTimeoutProtocol,), {"header_timeout_s": seconds})


class BodyReadGuard:
    """Reads each request body within a deadline and a size cap before the app sees it."""

    def __init__(self, app: ASGIApp, *, timeout_s: float, max_bytes: int) -> None:
        self._app = app
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self._app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self._timeout_s):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return  # the client left; nothing to answer
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > self._max_bytes:
                        too_large = f"Request body over {self._max_bytes:,} bytes."
                        await _reply(scope, receive, send, 413, too_large)
                        return
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            text = f"Request Timeout: the request body did not arrive within {self._timeout_s:g} s."
            await _reply(scope, receive, send, 408, text, close=True)
            return
        await self._app(scope, replay_body(b"".join(chunks), receive), send)


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A receive that delivers ``body`` whole first, then whatever the server reports next."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # later: http.disconnect, as the server reports it

    return replay


async def _reply(
    scope: Scope, receive: Receive, send: Send, status: int, text: str, close: bool = False
) -> None:
    headers: dict[str, Any] = {"connection": "close"} if close else {}
    await PlainTextResponse(text, status_code=status, headers=headers)(scope, receive, send)


__all__ = ["BodyReadGuard", "HeaderTimeoutProtocol", "header_timeout_protocol", "replay_body"]
