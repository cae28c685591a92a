"""Refusing new MCP requests over HTTP while the instance drains, so a balancer retries them.

Once the drain begins (SIGTERM), a POST to /mcp is answered 503 with Retry-After and a
JSON-RPC error before the SDK sees it. A balancer that retries on 503 (HAProxy's
``retry-on 503`` with ``option redispatch``, as in deploy/) sends it to another instance, so
a rolling restart fails no call; a client talking to the instance directly reads why.
Requests already inside the app (calls in flight, their SSE streams) are untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from zen_server.resilience.drain import RETRY_AFTER_S

SHUTTING_DOWN_CODE = -32000  # JSON-RPC "server error" range
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
            await _refuse(send)
            return
        await self._app(scope, receive, send)


async def _refuse(send: Send) -> None:
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": None,
            "error": {"code": SHUTTING_DOWN_CODE, "message": SHUTTING_DOWN_MESSAGE},
        }
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", f"{RETRY_AFTER_S:g}".encode()),
        (b"connection", b"close"),
        (b"cache-control", b"no-store"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})


__all__ = ["SHUTTING_DOWN_CODE", "DrainGuard"]
