"""Serving MCP over streamable HTTP at /mcp, behind the HttpGuard, with the ops routes.

Loopback is the default bind. Binding anything else needs ZEN_AUTH_TOKEN, at least
``MIN_NETWORK_TOKEN_CHARS`` long (a low-entropy one is warned about): an unauthenticated
or guessable tool server on the network would let anyone spend the configured provider
keys. In front of the SDK's app, in this order: the guard (Origin, Host, token), the body
deadline and size cap (``http_timeouts``), the session book (``http_sessions``); the
header deadline lives in the HTTP protocol uvicorn runs.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Sequence
from typing import Any

import anyio
from mcp.server.lowlevel import Server
from mcp.server.transport_security import DEFAULT_MAX_REQUEST_BODY_SIZE, TransportSecuritySettings
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from zen_server.config import Settings
from zen_server.errors import ConfigurationError
from zen_server.mcp.http_drain import DrainGuard
from zen_server.mcp.http_guard import HttpGuard, is_loopback_host
from zen_server.mcp.http_sessions import SessionLimiter
from zen_server.mcp.http_timeouts import BodyReadGuard
from zen_server.mcp.lifecycle import Drainable, make_uvicorn, stop_on_signal
from zen_server.mcp.token_strength import check_network_token
from zen_server.resilience.drain import Drain

logger = logging.getLogger(__name__)

MCP_PATH = "/mcp"


def check_bind(host: str, settings: Settings) -> None:
    """Refuse a non-loopback bind without a long enough token, naming the variable that fixes it."""
    if is_loopback_host(host):
        return
    token = settings.zen_auth_token.get_secret_value() if settings.zen_auth_token is not None else ""
    if not token:
        raise ConfigurationError(
            f"refusing to listen on {host} without authentication: set ZEN_AUTH_TOKEN to a long random "
            "secret (clients then send 'Authorization: Bearer <token>'), or bind --host 127.0.0.1"
        )
    check_network_token(token, host)


def build_http_app(
    server: Server[Any],
    settings: Settings,
    *,
    host: str,
    extra_routes: Sequence[BaseRoute] = (),
    drain: Drain | None = None,
) -> ASGIApp:
    """The ASGI app: /mcp (streamable HTTP) plus ``extra_routes`` (ops), wrapped in the guard.

    With ``drain``, /mcp answers 503 once the drain begins, and the sessions still open
    when the calls in flight have finished are closed (their GET streams would otherwise
    hold the exit up for uvicorn's whole graceful-shutdown period).
    """
    token = settings.zen_auth_token.get_secret_value() if settings.zen_auth_token else None
    starlette_app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        # SessionLimiter below closes idle sessions first; the SDK's own limits are a backstop.
        session_idle_timeout=settings.zen_http_session_idle_s + 60,
        max_sessions=settings.zen_http_max_sessions * 2,
        # Origin/Host checks live in HttpGuard (one place, our rules); the SDK's would
        # reject ZEN_ALLOWED_ORIGINS it does not know about.
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        host=host,
        custom_starlette_routes=[r for r in extra_routes if isinstance(r, Route)],
    )
    # Mounts (e.g. static dashboard assets) are not accepted by the SDK's route list.
    for route in extra_routes:
        if not isinstance(route, Route):
            starlette_app.router.routes.append(route)
    sessions = SessionLimiter(
        starlette_app,
        path=MCP_PATH,
        max_sessions=settings.zen_http_max_sessions,
        per_client=settings.zen_http_sessions_per_client,
        unused_s=settings.zen_http_unused_session_s,
        idle_s=settings.zen_http_session_idle_s,
    )
    bodies = BodyReadGuard(
        sessions, timeout_s=settings.zen_http_body_timeout_s, max_bytes=DEFAULT_MAX_REQUEST_BODY_SIZE
    )
    inner: ASGIApp = bodies
    if drain is not None:
        inner = DrainGuard(bodies, draining=lambda: drain.draining, path=MCP_PATH)

        async def close_sessions() -> None:
            await sessions.close_all("the server is shutting down")

        drain.when_idle(close_sessions)
    return HttpGuard(
        inner,
        token=token,
        allowed_origins=settings.allowed_origins,
        check_host=is_loopback_host(host),
        protected_prefixes=(MCP_PATH,),
    )


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind here, not in uvicorn, so a busy port is a ConfigurationError rather than an exit."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ConfigurationError(f"--host {host}: cannot resolve or use this address ({exc})") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ConfigurationError(
            f"cannot listen on {host}:{port} ({exc.strerror}); "
            "choose another --port or stop the other process"
        ) from exc
    sock.setblocking(False)
    return sock


async def serve_http(
    app: ASGIApp,
    *,
    host: str,
    port: int,
    header_timeout_s: float = 10.0,
    drain: Drainable | None = None,
    drain_timeout_s: float = 30.0,
) -> None:
    """Serve until SIGTERM/SIGINT; then drain (calls in flight finish, up to the timeout) and stop."""
    sock = bind_socket(host, port)
    bound_port = int(sock.getsockname()[1])
    web = make_uvicorn(app, host=host, port=bound_port, header_timeout_s=header_timeout_s)

    def stop() -> None:
        web.should_exit = True

    async with anyio.create_task_group() as tg:
        tg.start_soon(stop_on_signal, stop, drain, drain_timeout_s)
        logger.info("MCP streamable HTTP on http://%s:%d%s", host, bound_port, MCP_PATH)
        await web.serve(sockets=[sock])
        tg.cancel_scope.cancel()
