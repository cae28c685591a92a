"""The HTTP front door: Origin and Host validation and the bearer token, as one ASGI middleware.

The MCP transport spec asks servers to validate ``Origin`` (a web page must not drive a
local server: DNS rebinding) and to bind to loopback unless told otherwise. Rules:

- ``Origin`` absent (non-browser clients) or a loopback origin (any port) or one listed in
  ZEN_ALLOWED_ORIGINS: allowed. Anything else, including ``null``: 403.
- When bound to loopback, ``Host`` must name a loopback host (or an allowed origin's
  host): a rebinding page reaches us under its own host name. Otherwise 421.
- When ZEN_AUTH_TOKEN is set, every request to a protected path must carry
  ``Authorization: Bearer <token>``; missing or wrong: 401 (compared in constant time).
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback_host(host: str) -> bool:
    """True for localhost and loopback IP literals (brackets allowed)."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _normalise_origin(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def _host_name(host_header: str) -> str:
    # "[::1]:8080" -> "::1"; "example.com:80" -> "example.com"
    return urlsplit(f"//{host_header}").hostname or ""


class HttpGuard:
    """Wraps the HTTP app; rejects requests before any MCP work is done."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        token: str | None,
        allowed_origins: Iterable[str] = (),
        check_host: bool,
        protected_prefixes: tuple[str, ...] = ("/mcp",),
    ) -> None:
        self._app = app
        self._token = token.encode("utf-8") if token else None
        self._origins = frozenset(_normalise_origin(o) for o in allowed_origins)
        self._origin_hosts = frozenset(
            h for h in (urlsplit(o).hostname for o in self._origins) if h is not None
        )
        self._check_host = check_host
        self._protected = protected_prefixes

    def origin_allowed(self, origin: str | None) -> bool:
        if origin is None:
            return True
        normalised = _normalise_origin(origin)
        if normalised in self._origins:
            return True
        parts = urlsplit(normalised)
        return parts.scheme in {"http", "https"} and is_loopback_host(parts.hostname or "")

    def host_allowed(self, host: str | None) -> bool:
        if not self._check_host:
            return True
        if not host:
            return False
        name = _host_name(host)
        return is_loopback_host(name) or name in self._origin_hosts

    def token_valid(self, authorization: str | None) -> bool:
        if self._token is None:
            return True
        if not authorization:
            return False
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(credential.strip().encode("utf-8"), self._token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        rejection: PlainTextResponse | None = None
        if not self.origin_allowed(headers.get("origin")):
            rejection = PlainTextResponse(
                "Forbidden: this Origin may not use the server. Add it to ZEN_ALLOWED_ORIGINS to allow it.",
                status_code=403,
            )
        elif not self.host_allowed(headers.get("host")):
            rejection = PlainTextResponse(
                "Misdirected request: the Host header does not name this loopback server.", status_code=421
            )
        elif self._is_protected(scope.get("path", "")) and not self.token_valid(headers.get("authorization")):
            rejection = PlainTextResponse(
                "Unauthorized: send 'Authorization: Bearer <ZEN_AUTH_TOKEN>'.",
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="zen"'},
            )
        if rejection is not None:
            await rejection(scope, receive, send)
            return
        await self._app(scope, receive, send)

    def _is_protected(self, path: str) -> bool:
        return any(path == p or path.startswith(p + "/") for p in self._protected)
