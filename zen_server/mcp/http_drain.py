"""Refusing new MCP requests over HTTP while the instance drains, so a balancer retries them.

Once the drain begins (SIGTERM), a POST to /mcp is refused before the SDK sees it:

* without a session (stateless protocol, or an initialize): 503 with Retry-After and a
  JSON-RPC error. A balancer that retries on 503 (HAProxy's ``retry-on 503`` with
  ``option redispatch``, as in deploy/) sends it to another instance;
* on a session of this instance: 404, the spec's answer for a session that is gone, so the
  client opens a new session, which the balancer places on another instance. (A 503 would
  be retried on this same instance: the balancer's stick table pins the session here.)

Either way the request never ran, so resending it is safe, and a rolling restart fails no
call. Requests already inside the app (calls in flight, their SSE streams) are untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from zen_server.resilience.drain import RETRY_AFTER_S

SHUTTING_DOWN_CODE = -32000  # JSON-RPC "server error" range
SESSION_HEADER = b"mcp-session-id"
# Starts as the SDK's own 404 text, which MCP clients already recognise.
SESSION_GONE_MESSAGE = "Session not found: this server instance is shutting down; open a new session"
SHUTTING_DOWN_MESSAGE = (
    "this server instance is shutting down; retry the request (another instance will serve it)"
)


class DrainGuard:
    """ASGI middleware: 503 for POST ``path`` while ``draining()`` is true."""

    def __init__(self, app: ASGIApp, *, draining: Callable[[], bool], path: str) -> None:
        self._app = app
        self._draining = draining
        self._path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and scope.get("path", "").rstrip("/") == self._path
            and self._draining()
        ):
            on_session = any(name == SESSION_HEADER for name, _ in scope.get("headers", []))
            await (_session_gone(send) if on_session else _refuse(send))
            return
        await self._app(scope, receive, send)


async def _refuse(send: Send) -> None:
    await _error(send, 503, SHUTTING_DOWN_CODE, SHUTTING_DOWN_MESSAGE)


async def _session_gone(send: Send) -> None:
    await _error(send, 404, SHUTTING_DOWN_CODE, SESSION_GONE_MESSAGE)


async def _error(send: Send, status: int, code: int, message: str) -> None:
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", f"{RETRY_AFTER_S:g}".encode()),
        (b"connection", b"close"),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


__all__ = ["SESSION_GONE_MESSAGE", "SHUTTING_DOWN_CODE", "DrainGuard"]
