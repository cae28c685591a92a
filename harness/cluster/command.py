"""``zen-harness cluster up --instances N``: Redis, N zen_server instances and HAProxy, until Ctrl-C.

Starts the harness's own redis-server (a free port, append-only), N instances in
distributed mode, and a real HAProxy in front of them; prints the URL to point an MCP
client at, and tears everything down in order on Ctrl-C (or SIGTERM). By default the
instances talk to a fake OpenAI-compatible provider, so it runs with no API key;
``--providers env`` passes your own provider variables (OPENAI_API_KEY, ...) instead.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
from pathlib import Path

from harness.cli import Subcommand, report_failure
from harness.cluster.providers import FAKE_MODEL, fake_custom_provider
from harness.errors import HarnessError


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="cluster_action", metavar="ACTION", required=True)
    up = actions.add_parser("up", help="start the cluster and keep it running until Ctrl-C")
    up.add_argument("--instances", type=int, default=3, help="zen_server instances (default 3)")
    up.add_argument(
        "--providers",
        choices=("fake", "env"),
        default="fake",
        help="fake: a fake OpenAI-compatible provider (no key needed); env: your own provider variables",
    )
    up.add_argument("--fake-latency-ms", type=int, default=200, help="the fake provider's latency")
    up.add_argument("--port", type=int, help="HAProxy's port (default: a free one)")
    up.add_argument("--drain-timeout", type=float, default=30.0, help="ZEN_DRAIN_TIMEOUT_S of each instance")
    from harness.autoscale.command import add_autoscale_arguments

    add_autoscale_arguments(up)


def run(args: argparse.Namespace) -> int:
    try:
        asyncio.run(_up(args))
    except HarnessError as exc:
        return report_failure("cluster", exc)
    except KeyboardInterrupt:
        return 130
    return 0


async def _up(args: argparse.Namespace) -> None:
    from fakes.testing import FakeServer
    from harness.chaos.environment.redis_server import RedisServer
    from harness.cluster.cluster import Cluster
    from harness.cluster.haproxy import haproxy_executable
    from harness.launcher import server_environment

    haproxy_executable()  # say what to install before starting anything
    with tempfile.TemporaryDirectory(prefix="zen-cluster-") as tmp:
        workdir = Path(tmp)
        env = dict(os.environ)  # --providers env: your own keys, on purpose
        fake: FakeServer | None = None
        if args.providers == "fake":
            fake = FakeServer("openai", seed=1).start()
            fake.control.set_default({"latency": {"fixed_ms": args.fake_latency_ms}})
            # no real provider key next to the fake
            env = server_environment(fake_custom_provider(fake.openai_base_url))
        redis = RedisServer(workdir)
        cluster: Cluster | None = None
        try:
            await redis.start()
            cluster = Cluster(
                args.min if args.autoscale else args.instances,
                env=env,
                redis_url=redis.url,
                workdir=workdir,
                drain_timeout_s=args.drain_timeout,
                port=args.port,
            )
            await cluster.start()
            _announce(cluster, redis.url, fake is not None)
            if args.autoscale:
                from harness.autoscale.command import autoscale_until_stopped

                await autoscale_until_stopped(cluster, args, _until_stopped())
            else:
                await _until_stopped()
        finally:
            print("zen-harness cluster: stopping", file=sys.stderr)
            if cluster is not None:
                await cluster.stop()
            await redis.stop()
            if fake is not None:
                fake.stop()


def _announce(cluster: object, redis_url: str, fake: bool) -> None:
    from harness.cluster.cluster import Cluster

    assert isinstance(cluster, Cluster)
    print(f"MCP endpoint (HAProxy): {cluster.url}")
    for instance in cluster.instances:
        print(f"  {instance.name}: {instance.base_url}  (pid {instance.pid}; /ready, /metrics, /dashboard)")
    print(f"  redis: {redis_url}")
    print(f"  haproxy config: {cluster.haproxy.config_path}")
    if fake:
        print(f"  provider: fake OpenAI-compatible, model {FAKE_MODEL}")
    print("Ctrl-C stops everything.", flush=True)


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


SUBCOMMAND = Subcommand(
    name="cluster",
    help="Run zen_server instances in distributed mode behind HAProxy, on the harness's own Redis.",
    configure=configure,
    run=run,
)
