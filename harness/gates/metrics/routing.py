"""Routing across deployments: the strategy table of ``benchmarks/bench_routing.py``.

Runs the benchmark in its own process (the harness never imports zen_server) with the
figures written as JSON into the phase's directory, and reads them back: per strategy
p50/p99 and each deployment's share as its own fake counted it, the fastest deployment
alone as the reference, and the router's own overhead per call. Figures: ``default_p99_ms``,
``fastest_alone_p99_ms``, ``default_vs_fastest_p99``, ``shuffle_vs_default_p99``,
``default_errors``, ``default_overhead_us``, ``max_overhead_us``, and the same two ratios
in virtual time (the router alone, seeded, no sockets): ``simulated_default_vs_fastest_p99``,
``simulated_shuffle_vs_default_p99``.
"""

from __future__ import annotations

import json
import subprocess
import time
from typing import Literal

from pydantic import Field

from harness.gates import plots
from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import MeasureContext, Measurement, MeasureParams


class Params(MeasureParams):
    kind: Literal["routing"]
    script: str = "benchmarks/bench_routing.py"
    calls: int = Field(default=2000, ge=10, le=100_000)
    concurrency: int = Field(default=50, ge=1, le=1000)
    latency_scale: float = Field(default=1.0, gt=0, le=100)
    overhead_calls: int = Field(default=50_000, ge=100, le=10_000_000)
    budget_s: float = Field(default=600.0, gt=0)


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    script = ctx.repo_root / params.script
    if not script.is_file():
        raise NotMeasured(f"{script} does not exist")
    out = ctx.out_dir / "routing.json"
    out.unlink(missing_ok=True)
    log = ctx.out_dir / "logs" / "routing.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    command = [ctx.python, str(script), "--calls", str(params.calls)]
    command += ["--concurrency", str(params.concurrency), "--latency-scale", f"{params.latency_scale:g}"]
    command += ["--overhead-calls", str(params.overhead_calls), "--json", str(out)]
    started = time.monotonic()
    ctx.log(f"  routing: {params.calls} calls at {params.concurrency} concurrent per strategy")
    with open(log, "wb") as sink:
        try:
            exit_code = subprocess.run(
                command, stdout=sink, stderr=subprocess.STDOUT, env=ctx.child_env(), timeout=params.budget_s
            ).returncode
        except subprocess.TimeoutExpired as exc:
            raise NotMeasured(f"the routing benchmark took over {params.budget_s:.0f}s; see {log}") from exc
    if exit_code != 0 or not out.is_file():
        raise NotMeasured(f"the routing benchmark failed (exit {exit_code}); see {log}")
    result = json.loads(out.read_text())
    rows = [result["fastest_alone"], *result["strategies"]]
    measured = Measurement(
        values=dict(result["figures"]),
        details={
            "table": [
                {
                    "strategy": row["strategy"],
                    "p50_ms": row["p50_ms"],
                    "p99_ms": row["p99_ms"],
                    "errors": row["errors"],
                    "share": row["share"],
                }
                for row in rows
            ],
            "overhead_us": result["overhead_us"],
            "overhead_wall_us": result.get("overhead_wall_us"),
            "latencies_ms": result["latencies_ms"],
            "default_strategy": result["default_strategy"],
            "simulated": result["simulated"],
        },
        notes=[
            f"{row['strategy']}: p50 {row['p50_ms']:.0f} ms, p99 {row['p99_ms']:.0f} ms, share "
            + ", ".join(f"{name} {share:.0%}" for name, share in row["share"].items())
            for row in rows
        ],
        duration_s=time.monotonic() - started,
    )
    names = [row["strategy"] for row in rows]
    target = result["figures"]["fastest_alone_p99_ms"] * 1.2
    title = f"p99 per strategy ({params.calls} calls at {params.concurrency}); line: 1.2 x fastest alone"
    path = ctx.out_dir / "routing_p99.png"
    p99s = [row["p99_ms"] for row in rows]
    measured.plots.append(plots.bars(names, p99s, target, path, title=title, ylabel="p99 ms"))
    return measured
