"""Memory growth under sustained load: the server's RSS after warm-up against at the end.

Workers call in a closed loop (tool mix with continuations, so conversation threads
accumulate as they would in use) for ``warmup_s`` + the soak; psutil samples the server's
RSS every ``sample_every_s``. ``growth_mb`` = RSS at the end minus RSS when warm-up ended;
``peak_growth_mb`` uses the highest sample instead of the last. CI runs ``duration_s``;
``--full`` runs ``full_duration_s`` (the plan's 5 minutes), reporting the same figures.
"""

from __future__ import annotations

import time
from typing import Any, Literal

import anyio
import psutil
from pydantic import Field

from harness.gates import plots
from harness.gates.driver import closed_loop, sessions
from harness.gates.errors import NotMeasured
from harness.gates.metrics.base import Figure, MeasureContext, Measurement, MeasureParams
from harness.gates.stack import serving
from harness.load.profile import MixSpec, ToolWeight

MB = 1024 * 1024


class Params(MeasureParams):
    kind: Literal["memory_soak"]
    duration_s: float = Field(default=60.0, gt=0, le=7200)
    full_duration_s: float = Field(default=300.0, gt=0, le=86_400)
    warmup_s: float = Field(default=10.0, ge=0, le=600)
    # Under --full, when to start measuring (default: warmup_s); a long soak skips its first minutes.
    full_warmup_s: float | None = Field(default=None, ge=0, le=3600)
    workers: int = Field(default=20, ge=1, le=500)
    sessions: int = Field(default=4, ge=1, le=100)
    sample_every_s: float = Field(default=1.0, gt=0, le=60)
    provider: dict[str, Any] = Field(default_factory=lambda: {"latency": {"fixed_ms": 100}})
    mix: MixSpec = Field(
        default_factory=lambda: MixSpec(
            tools=[
                ToolWeight(
                    tool="chat",
                    arguments={
                        "prompt": "soak {marker}: " + "context " * 200,
                        "model": "gpt-5",
                        "working_directory_absolute_path": "{workdir}",
                    },
                )
            ],
            continuation_ratio=0.7,
            max_turns=20,
        )
    )
    limit_mb: float = 100.0  # drawn on the plot; the gate's own target is in gates.yaml
    call_timeout_s: float = Field(default=30.0, gt=0)
    server_env: dict[str, str] = Field(default_factory=dict)
    # Names the server log and the plot, so two soaks in one phase keep their own files.
    label: str = Field(default="memory", pattern=r"^[a-z0-9_-]+$")


class RssSampler:
    """(seconds since start, RSS MB) of one process, sampled until stopped."""

    def __init__(self, pid: int, every_s: float) -> None:
        self.process = psutil.Process(pid)
        self.every_s = every_s
        self.samples: list[tuple[float, float]] = []

    def sample(self, t: float) -> None:
        try:
            rss = self.process.memory_info().rss
        except psutil.Error:
            return  # the server died; the missing samples and failed calls say so
        self.samples.append((round(t, 2), rss / MB))

    async def run(self, duration_s: float) -> None:
        began = time.monotonic()
        while (t := time.monotonic() - began) <= duration_s:
            self.sample(t)
            await anyio.sleep(self.every_s)


def growth(samples: list[tuple[float, float]], warmup_s: float) -> dict[str, float]:
    """RSS at warm-up end, at the end, at peak (after warm-up), and the growths, in MB."""
    after = [(t, mb) for t, mb in samples if t >= warmup_s]
    if len(after) < 2:
        raise NotMeasured(f"fewer than 2 RSS samples after warm-up ({len(samples)} in all)")
    warm, end = after[0][1], after[-1][1]
    peak = max(mb for _, mb in after)
    return {
        "rss_warm_mb": warm,
        "rss_end_mb": end,
        "rss_peak_mb": peak,
        "growth_mb": end - warm,
        "peak_growth_mb": peak - warm,
    }


async def _soak(
    params: Params, url: str, pid: int, warmup_s: float, soak_s: float, workdir: str
) -> tuple[RssSampler, list[Any]]:
    sampler = RssSampler(pid, params.sample_every_s)
    total = warmup_s + soak_s
    async with sessions(url, params.sessions) as clients, anyio.create_task_group() as group:
        group.start_soon(sampler.run, total)
        outcomes = await closed_loop(
            clients, params.workers, total, params.mix, workdir=workdir, timeout_s=params.call_timeout_s
        )
        sampler.sample(total)  # one last sample at the very end of the load
        group.cancel_scope.cancel()
    return sampler, outcomes


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    soak_s = params.full_duration_s if ctx.full else params.duration_s
    warmup_s = params.warmup_s
    if ctx.full and params.full_warmup_s is not None:
        warmup_s = params.full_warmup_s
    started = time.monotonic()
    ctx.log(f"memory soak: {warmup_s:g}s warm-up + {soak_s:g}s, {params.workers} workers")
    with serving(ctx, params.label, behaviour=params.provider, server_env=params.server_env) as running:
        sampler, outcomes = anyio.run(
            _soak, params, running.url, running.server.pid, warmup_s, soak_s, str(ctx.out_dir.resolve())
        )
    values: dict[str, Figure] = dict(growth(sampler.samples, warmup_s))
    calls = len(outcomes)
    failed = sum(1 for o in outcomes if not o.ok)
    values |= {"soak_s": soak_s, "calls": calls, "error_rate": (failed / calls) if calls else None}
    result = Measurement(
        values=values,
        details={"samples": sampler.samples, "warmup_s": warmup_s, "workers": params.workers},
        duration_s=time.monotonic() - started,
    )
    title = f"Server RSS over a {soak_s:g} s soak ({params.workers} workers)"
    path = ctx.out_dir / f"{params.label}_over_time.png"
    result.plots.append(plots.memory_over_time(sampler.samples, warmup_s, params.limit_mb, path, title))
    if not ctx.full:
        result.notes.append(f"CI soak of {soak_s:g}s; the plan's {params.full_duration_s:g}s is `--full`")
    return result
