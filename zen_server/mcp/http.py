"""Serving MCP over streamable HTTP at /mcp, behind the HttpGuard, with the ops routes.

Loopback is the default bind. Binding anything else without ZEN_AUTH_TOKEN is refused at
start: an unauthenticated tool server on the network would let anyone spend the
configured provider keys.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Sequence
from typing import Any

import anyio
from mcp.server.lowlevel import Server
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from zen_server.config import Settings
from zen_server.errors import ConfigurationError
from zen_server.mcp.http_guard import HttpGuard, is_loopback_host
from zen_server.mcp.lifecycle import make_uvicorn, stop_on_signal

logger = logging.getLogger(__name__)

MCP_PATH = "/mcp"


def check_bind(host: str, settings: Settings) -> None:
    """Refuse a non-loopback bind without a token, naming the variable that fixes it."""
    token = settings.zen_auth_token
    if is_loopback_host(host) or (token is not None and token.get_secret_value()):
        return
    raise ConfigurationError(
        f"refusing to listen on {host} without authentication: set ZEN_AUTH_TOKEN to a long random "
        "secret (clients then send 'Authorization: Bearer <token>'), or bind --host 127.0.0.1"
    )


def build_http_app(
    server: Server[Any], settings: Settings, *, host: str, extra_routes: Sequence[BaseRoute] = ()
) -> ASGIApp:
    """The ASGI app: /mcp (streamable HTTP) plus ``extra_routes`` (ops), wrapped in the guard."""
    token = settings.zen_auth_token.get_secret_value() if settings.zen_auth_token else None
    starlette_app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
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
    return HttpGuard(
        starlette_app,
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


async def serve_http(app: ASGIApp, *, host: str, port: int) -> None:
    """Serve until SIGTERM/SIGINT; in-flight requests get a grace period."""
    sock = bind_socket(host, port)
    bound_port = int(sock.getsockname()[1])
    web = make_uvicorn(app, host=host, port=bound_port)

    def stop() -> None:
        web.should_exit = True

    async with anyio.create_task_group() as tg:
        tg.start_soon(stop_on_signal, stop)
        logger.info("MCP streamable HTTP on http://%s:%d%s", host, bound_port, MCP_PATH)
        await web.serve(sockets=[sock])
        tg.cancel_scope.cancel()
