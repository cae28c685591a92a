"""Concurrency: N tool calls at once against a provider with a fixed latency.

The gate level (``concurrent``) runs first on a warmed server, then the other ``levels``
for the latency-against-concurrency plot (skipped once a level has failures: past that
point the server is saturated and more load only measures the queue). Figures at the gate
level: ``completed``, ``errors``, ``p50_s``/``p95_s``/``p99_s``/``max_s``, ``wall_s`` and
``provider_max_in_flight`` (what the fake provider saw at once: real overlap, not a queue).
"""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from typing import Any, Literal

import anyio
from pydantic import Field

from harness.gates import plots
from harness.gates.baseline_stack import BaselineRunning, baseline_serving
from harness.gates.driver import burst, outcome_summary, sessions
from harness.gates.metrics.base import MeasureContext, Measurement, MeasureParams
from harness.gates.stack import Running, serving
from harness.mcp_client import CallOutcome, McpClient

P95_TARGET_S = 2.0
SATURATED_STOP_S = 4.0


class Params(MeasureParams):
    kind: Literal["concurrency"]
    concurrent: int = Field(default=100, ge=1, le=2000)
    sessions: int = Field(default=10, ge=1, le=200)
    provider_latency_ms: float = Field(default=1000.0, ge=0)
    levels: list[int] = Field(default_factory=lambda: [10, 25, 50, 100])
    call_timeout_s: float = Field(default=15.0, gt=0, le=600)
    model: str = "gpt-5"
    server_env: dict[str, str] = Field(default_factory=dict)


def _arguments(params: Params, workdir: str) -> Any:
    def build(index: int) -> dict[str, Any]:
        return {
            "prompt": f"concurrency probe {index}",
            "model": params.model,
            "working_directory_absolute_path": workdir,
        }

    return build


def _level_row(
    concurrency: int, outcomes: list[CallOutcome], wall_s: float, provider_peak: int
) -> dict[str, Any]:
    return {
        "concurrency": concurrency,
        **outcome_summary(outcomes),
        "wall_s": wall_s,
        "provider_max_in_flight": provider_peak,
    }


async def _run_levels(
    params: Params, running: Running | BaselineRunning, workdir: str, rows: list[dict[str, Any]]
) -> None:
    """Fill ``rows`` level by level (so figures already made survive a failing teardown)."""
    control = running.fakes.fakes["openai"].control
    order = [params.concurrent, *sorted(set(params.levels) - {params.concurrent})]
    target = running.url if isinstance(running, Running) else running.endpoint()
    init_timeout_s = 30.0 if isinstance(running, Running) else 90.0  # a baseline process per session
    async with sessions(target, params.sessions, init_timeout_s=init_timeout_s) as clients:
        await _warm(clients, params, workdir)
        for level in order:
            await anyio.to_thread.run_sync(control.reset)
            started = time.monotonic()
            outcomes = await burst(
                clients, level, "chat", _arguments(params, workdir), timeout_s=params.call_timeout_s
            )
            wall = time.monotonic() - started
            stats = await anyio.to_thread.run_sync(control.stats)
            rows.append(_level_row(level, outcomes, wall, stats.max_in_flight))
            if rows[-1]["errors"]:
                # A saturated server may still be working through abandoned calls; closing
                # the sessions would wait for it, so it is stopped first (figures are in).
                # (A baseline's stdio processes end when their sessions close.)
                if isinstance(running, Running):
                    await anyio.to_thread.run_sync(running.server.stop, SATURATED_STOP_S)
                break


async def _warm(clients: list[McpClient], params: Params, workdir: str) -> None:
    # One call first, so imports and the provider connection are not what is measured.
    await clients[0].call("chat", _arguments(params, workdir)(-1), timeout_s=params.call_timeout_s)


def _serving(
    params: Params, ctx: MeasureContext, behaviour: dict[str, Any], workdir: str
) -> AbstractContextManager[Running | BaselineRunning]:
    if ctx.baseline is None:
        return serving(ctx, "concurrency", behaviour=behaviour, server_env=params.server_env)
    logs = ctx.out_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return baseline_serving(
        ctx.baseline,
        "concurrency",
        behaviour=behaviour,
        models=[params.model],
        workdir=workdir,
        logs=str(logs),
    )


def measure(params: Params, ctx: MeasureContext) -> Measurement:
    behaviour = {"latency": {"fixed_ms": params.provider_latency_ms}}
    started = time.monotonic()
    workdir = str(ctx.out_dir.resolve())
    rows: list[dict[str, Any]] = []
    teardown_error: str | None = None
    with _serving(params, ctx, behaviour, workdir) as running:
        try:
            anyio.run(_run_levels, params, running, workdir, rows)
        except Exception as exc:  # closing sessions to a stopped server; figures may be complete
            if not rows:
                raise
            teardown_error = f"{type(exc).__name__}: {exc}"
    gate = rows[0]
    result = Measurement(
        values={k: gate[k] for k in ("completed", "errors", "p50_s", "p95_s", "p99_s", "max_s", "wall_s")}
        | {"provider_max_in_flight": gate["provider_max_in_flight"]},
        details={"levels": rows, "server_env": params.server_env, "sessions": params.sessions},
        duration_s=time.monotonic() - started,
    )
    measured = [r for r in rows if r["p95_s"] is not None]
    if measured:
        path = ctx.out_dir / "latency_vs_concurrency.png"
        result.plots.append(plots.latency_vs_concurrency(measured, P95_TARGET_S, path))
    if teardown_error:
        result.notes.append(f"after measuring, closing the sessions failed: {teardown_error[:200]}")
    skipped = sorted(set(params.levels) - {r["concurrency"] for r in rows})
    if skipped:
        result.notes.append(f"levels {skipped} not run: a lower level already had failures")
    return result
