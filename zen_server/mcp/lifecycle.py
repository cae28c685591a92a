"""Running until told to stop: SIGTERM/SIGINT handling and uvicorn without its own signals.

Both transports stop the same way: the first signal begins the drain (no new calls,
/ready 503), waits for the calls in flight up to the drain timeout, then cancels the
serving task group (stdio) or asks uvicorn to exit (HTTP); the caller then closes the
application. A second signal exits the process at once, with status 128 + signal number.
uvicorn's own signal capture is disabled because it re-raises the signal after serving,
which would kill the process before the application is closed.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Generator
from contextlib import contextmanager
from typing import Protocol

import anyio
import uvicorn
from starlette.types import ASGIApp

from zen_server.mcp.http_timeouts import header_timeout_protocol

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
GRACEFUL_SHUTDOWN_S = 5


class Drainable(Protocol):
    """What the transports need of ``resilience.drain.Drain``."""

    def begin(self) -> None: ...

    async def settle(self, timeout_s: float | None = None) -> bool: ...


async def _drain_then_stop(drain: Drainable | None, timeout_s: float, stop: Callable[[], None]) -> None:
    if drain is not None:
        drain.begin()
        await drain.settle(timeout_s)
    stop()


async def stop_on_signal(
    stop: Callable[[], None], drain: Drainable | None = None, timeout_s: float = 30.0
) -> None:
    """First SIGTERM/SIGINT: drain, then ``stop``; a second one exits the process at once."""
    stopping = False
    async with anyio.create_task_group() as tg:
        with anyio.open_signal_receiver(*STOP_SIGNALS) as signals:
            async for signum in signals:
                name = signal.Signals(signum).name
                if stopping:
                    logger.warning("received %s again; exiting at once", name)
                    sys.stderr.flush()
                    os._exit(128 + signum)
                stopping = True
                logger.info("received %s; draining (up to %.1f s), then shutting down", name, timeout_s)
                tg.start_soon(_drain_then_stop, drain, timeout_s, stop)


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
