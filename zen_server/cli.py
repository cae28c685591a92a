"""The ``zen-server`` command: pick a transport, build the app, serve until told to stop.

``zen-server`` speaks MCP over stdio (what Claude Code and Claude Desktop launch);
``zen-server --transport http --host 127.0.0.1 --port 8080`` serves streamable HTTP at
/mcp. Configuration comes from the environment (see ``zen_server.config``); a setting
that cannot work stops the process with exit status 2 and a message naming the variable.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from zen_server import __version__
from zen_server.config import Settings, load_settings
from zen_server.errors import ConfigurationError
from zen_server.mcp import build_http_app, build_mcp_server, check_bind, serve_http, serve_stdio
from zen_server.mcp.app_backend import ZenAppBackend
from zen_server.observability.ops import run_ops_listener
from zen_server.server import ZenApp, build_app

logger = logging.getLogger("zen_server")

EXIT_CONFIG = 2


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="zen-server",
        description="Hardened Zen MCP server: MCP over stdio (the default) or streamable HTTP at /mcp.",
        epilog=(
            "Configuration is by environment variables, read once at start (the upstream names: "
            "OPENAI_API_KEY, GEMINI_API_KEY, OPENROUTER_API_KEY, CUSTOM_API_URL, DEFAULT_MODEL, "
            "DISABLED_TOOLS, LOG_LEVEL, ...; and ZEN_* for the hardening knobs). A bad value stops "
            "the server with exit status 2 and one line naming the variable. Every variable: the "
            "README's Configuration table."
        ),
    )
    parser.add_argument("--transport", choices=("stdio", "http"), default="stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default: loopback)")
    parser.add_argument("--port", type=int, default=8080, help="HTTP port (0 picks a free one)")
    parser.add_argument("--version", action="version", version=f"zen-server {__version__}")
    return parser.parse_args(argv)


async def run_stdio(app: ZenApp) -> None:
    settings = app.settings
    await app.start(transport="stdio")
    ops = None
    try:
        if settings.zen_ops_port is not None:
            ops = await run_ops_listener(app.ops_routes(), settings.zen_ops_port)
            logger.info("ops endpoints on %s", ops.url)
        server = build_mcp_server(ZenAppBackend(app))
        await serve_stdio(server, drain=app.drain, drain_timeout_s=settings.zen_drain_timeout_s)
    finally:
        if ops is not None:
            await ops.aclose()
        await app.aclose()


async def run_http(app: ZenApp, host: str, port: int) -> None:
    server = build_mcp_server(ZenAppBackend(app))
    settings = app.settings
    asgi = build_http_app(server, settings, host=host, extra_routes=app.ops_routes(), drain=app.drain)
    await app.start(transport="http", host=host, port=port)
    try:
        await serve_http(
            asgi,
            host=host,
            port=port,
            header_timeout_s=settings.zen_http_header_timeout_s,
            drain=app.drain,
            drain_timeout_s=settings.zen_drain_timeout_s,
        )
    finally:
        await app.aclose()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings: Settings = load_settings()
        if args.transport == "http":
            check_bind(args.host, settings)
        app = build_app(settings)
    except ConfigurationError as exc:
        print(f"zen-server: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    app.hub.install_logging()  # stderr only: stdout is the MCP channel under stdio
    try:
        if args.transport == "http":
            asyncio.run(run_http(app, args.host, args.port))
        else:
            asyncio.run(run_stdio(app))
    except ConfigurationError as exc:  # e.g. a port already in use
        print(f"zen-server: configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:  # a second Ctrl-C while shutting down
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
