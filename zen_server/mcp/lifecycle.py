"""Running until told to stop: SIGTERM/SIGINT handling and uvicorn without its own signals.

Both transports stop the same way: a signal cancels the serving task group (stdio) or
asks uvicorn to finish in-flight requests and exit (HTTP); the caller then closes the
application. uvicorn's own signal capture is disabled because it re-raises the signal
after serving, which would kill the process before the application is closed.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable, Generator
from contextlib import contextmanager

import anyio
import uvicorn
from starlette.types import ASGIApp

from zen_server.mcp.http_timeouts import header_timeout_protocol

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
GRACEFUL_SHUTDOWN_S = 5


async def stop_on_signal(stop: Callable[[], None]) -> None:
    """Call ``stop`` at the first SIGTERM/SIGINT; a second one is left to the default handler."""
    with anyio.open_signal_receiver(*STOP_SIGNALS) as signals:
        async for signum in signals:
            logger.info("received %s; shutting down", signal.Signals(signum).name)
            stop()
            return


class EmbeddedUvicorn(uvicorn.Server):
    """uvicorn that leaves signal handling to us (see module docstring)."""

    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def make_uvicorn(app: ASGIApp, *, host: str, port: int, header_timeout_s: float = 10.0) -> EmbeddedUvicorn:
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        # uvicorn's h11 protocol plus a deadline for request headers (slowloris).
        http=header_timeout_protocol(header_timeout_s),
        # log_config=None: uvicorn's default config would reconfigure logging and send
        # access lines to stdout; our logging is configured once, at start-up.
        log_config=None,
        access_log=False,
        lifespan="on",
        # Graceful shutdown waits this long for in-flight tool calls (and open SSE streams).
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    return EmbeddedUvicorn(config)
