"""``zen-harness cluster up --autoscale reactive|predictive --min 1 --max N``: the loop's options."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import sys
from collections.abc import Awaitable
from dataclasses import asdict
from pathlib import Path

from harness.autoscale.elastic import ElasticCluster
from harness.autoscale.exporter import ScalerExporter
from harness.autoscale.loop import LoopSettings, ScalingLoop
from harness.autoscale.recommend import STRATEGIES, Bounds, Policy
from harness.cluster.cluster import Cluster


def add_autoscale_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--autoscale", choices=STRATEGIES, help="run the scaling loop with this strategy")
    parser.add_argument("--min", type=int, default=1, help="fewest instances (at least 1)")
    parser.add_argument("--max", type=int, default=4, help="most instances")
    parser.add_argument("--target-utilisation", type=float, default=0.7, help="HPA target, 0-1")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between ticks")
    parser.add_argument("--horizon", type=float, default=10.0, help="look-ahead seconds")
    parser.add_argument("--season", type=float, help="the load's period in seconds, for Holt-Winters")
    parser.add_argument("--up-window", type=float, default=0.0, help="scale-up stabilisation seconds")
    parser.add_argument("--timeline", type=Path, help="write every tick of the loop here (JSON) on exit")
    parser.add_argument("--down-window", type=float, default=30.0, help="scale-down stabilisation seconds")


def loop_settings(args: argparse.Namespace) -> LoopSettings:
    steps = max(1, math.ceil(args.horizon / args.interval))
    season = math.ceil(args.season / args.interval) if args.season else None
    policy = Policy(Bounds(args.min, args.max), args.target_utilisation, steps, season)
    return LoopSettings(args.autoscale, policy, args.interval, args.up_window, args.down_window)


async def autoscale_until_stopped(
    cluster: Cluster, args: argparse.Namespace, stopped: Awaitable[None]
) -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    exporter = ScalerExporter()
    port = exporter.serve()
    print(f"  scaler: {args.autoscale}, {args.min}-{args.max} instances; http://127.0.0.1:{port}/metrics")
    loop = ScalingLoop(ElasticCluster(cluster), loop_settings(args), exporter)
    stop = asyncio.Event()
    runner = asyncio.create_task(loop.run(stop))
    try:
        await stopped
    finally:
        stop.set()
        await runner
        if args.timeline is not None:
            args.timeline.write_text(json.dumps({
                "strategy": args.autoscale,
                "interval_s": args.interval,
                "horizon_s": args.horizon,
                "ticks": [asdict(t) for t in loop.ticks],
            }))  # fmt: skip


__all__ = ["add_autoscale_arguments", "autoscale_until_stopped", "loop_settings"]
