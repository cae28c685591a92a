"""``zen-harness proxy``: serve the Toxiproxy API from this process until stopped.

Prints one line, ``toxiproxy API listening on http://HOST:PORT``, once ready (the real
port when ``--port 0``), then serves until SIGINT/SIGTERM or ``--lifetime`` seconds.
``--config FILE`` creates proxies from a JSON list, as Toxiproxy's ``-config`` does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from pathlib import Path

from harness.cli import Subcommand, report_failure
from harness.errors import HarnessError

READY_PREFIX = "toxiproxy API listening on "


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="API listen host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8474, help="API port; 0 picks a free one (default 8474)")
    parser.add_argument("--config", type=Path, default=None, help="JSON list of proxies to create at start")
    parser.add_argument(
        "--lifetime", type=float, default=None, help="stop by itself after this many seconds (tests, CI)"
    )
    parser.add_argument("--log-level", default="WARNING", help="Python log level (default WARNING)")


async def serve(host: str, port: int, config: Path | None, lifetime: float | None) -> None:
    from harness.proxy.embedded import EmbeddedToxiproxy

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with EmbeddedToxiproxy(host, port, config) as server:
        print(f"{READY_PREFIX}{server.url}", flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), lifetime)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        asyncio.run(serve(args.host, args.port, args.config, args.lifetime))
    except HarnessError as exc:
        return report_failure("proxy", exc)
    return 0


SUBCOMMAND = Subcommand(
    name="proxy",
    help="Serve a Toxiproxy-compatible fault-injection API (embedded toxiproxy-server).",
    configure=configure,
    run=run,
)
