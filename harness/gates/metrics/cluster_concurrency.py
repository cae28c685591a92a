"""Concurrency that grows with instances: one burst against a cluster of N and against one.

Each cluster (its own redis-server, the instances in distributed mode, a real HAProxy)
gets ``sessions_per_instance`` sessions per instance through HAProxy, one warm-up call per
session, then ``concurrent`` calls at once against a provider with a fixed latency. The
plan's example: MAX_CONCURRENT_REQUESTS=50 per instance and 1 s latency: three instances
finish 150 calls in under 1.5 s where one instance sheds 100 of them. Figures: for the
cluster ``completed``, ``errors``, ``wall_s``, ``max_s``, ``provider_max_in_flight``; for
one instance ``single_completed``, ``single_shed``, ``single_wall_s``. Without haproxy or
redis-server the measurement is NotMeasured with what to install.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any, Literal

import anyio
from pydantic import Field

from harness.cluster.tools import install_hint, missing_cluster_tools
from harness.gates import plots
from harness.gates.cluster_stack import redis_backed_cluster
from harness.gates.driver import burst, outcome_summary, sessions
from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import MeasureContext, Measurement, MeasureParams
from harness.launcher import FakeProviders, server_environment


class Params(MeasureParams):
    kind: Literal["cluster_concurrency"]
    instances: int = Field(default=3, ge=2, le=8)
    concurrent: int = Field(default=150, ge=1, le=2000)
    sessions_per_instance: int = Field(default=10, ge=1, le=100)
    provider_latency_ms: float = Field(default=1000.0, ge=0)
    call_timeout_s: float = Field(default=15.0, gt=0, le=600)
    model: str = "gpt-5"
    server_env: dict[str, str] = Field(default_factory=dict)


# The gate's own name for it, so a test can stand in for the tools being there or not.
missing_tools = missing_cluster_tools


async def _burst_on(instances: int, params: Params, env: dict[str, str], workdir: Path) -> dict[str, Any]:
    async with redis_backed_cluster(instances, env, workdir, drain_timeout_s=5) as cluster:
        count = params.sessions_per_instance * instances
        arguments = {"model": params.model, "working_directory_absolute_path": str(workdir)}
        async with sessions(cluster.url, count) as clients:
            for client in clients:  # warm every instance (imports, provider connection)
                await client.call("chat", {**arguments, "prompt": "warm-up"}, timeout_s=params.call_timeout_s)
            started = time.monotonic()
            outcomes = await burst(
                clients,
                params.concurrent,
                "chat",
                lambda i: {**arguments, "prompt": f"cluster burst {i}"},
                timeout_s=params.call_timeout_s,
            )
            wall = time.monotonic() - started
    return {"instances": instances, **outcome_summary(outcomes, quantiles=(95,)), "wall_s": wall}


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    missing = missing_tools()
    if missing:
        raise NotMeasured(install_hint(missing))
    started = time.monotonic()
    behaviour = {"latency": {"fixed_ms": params.provider_latency_ms}}
    with (
        FakeProviders(behaviour, ("openai",)) as fakes,
        tempfile.TemporaryDirectory(prefix="zen-gate-") as tmp,
    ):
        base = {k: v for k, v in os.environ.items() if not k.startswith("ZEN_")}
        env = server_environment(fakes.env() | {"LOG_LEVEL": "WARNING"} | params.server_env, base=base)
        control = fakes.fakes["openai"].control
        rows = []
        for instances in (params.instances, 1):
            control.reset()
            row = anyio.run(_burst_on, instances, params, env, Path(tmp) / f"n{instances}")
            row["provider_max_in_flight"] = control.stats(bodies=0).max_in_flight
            rows.append(row)
            ctx.log(
                f"  {instances} instance(s): {row['completed']}/{params.concurrent} in {row['wall_s']:.2f}s"
            )
    cluster, single = rows
    result = Measurement(
        values={
            "completed": cluster["completed"],
            "errors": cluster["errors"],
            "wall_s": cluster["wall_s"],
            "max_s": cluster["max_s"],
            "provider_max_in_flight": cluster["provider_max_in_flight"],
            "single_completed": single["completed"],
            "single_shed": single["errors"],
            "single_wall_s": single["wall_s"],
        },
        details={"runs": rows, "server_env": params.server_env},
        duration_s=time.monotonic() - started,
    )
    labels = [f"{r['instances']} instance{'s' if r['instances'] > 1 else ''}" for r in rows]
    path = ctx.out_dir / "cluster_concurrency.png"
    result.plots.append(
        plots.bars(
            labels,
            [float(r["completed"]) for r in rows],
            float(params.concurrent),
            path,
            title=f"{params.concurrent} calls at once, {params.provider_latency_ms:g} ms provider",
            ylabel="calls completed",
        )
    )
    return result
