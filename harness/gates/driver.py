"""Async load for gate measurements, over ``harness.mcp_client`` (the MCP SDK's client).

``burst`` fires N calls at once over a few sessions and returns every outcome: the
concurrency gate. ``closed_loop`` keeps W workers calling for a while, continuing their
conversations per a tool mix: the memory soak. Both are bounded in time by the calls'
own timeouts and by the duration; nothing here retries.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio

from harness.load.mix import ToolMixPlanner
from harness.load.profile import MixSpec
from harness.mcp_client import CallOutcome, Endpoint, HttpEndpoint, McpClient, StdioEndpoint


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


def outcome_summary(
    outcomes: Sequence[CallOutcome], quantiles: Sequence[int] = (50, 95, 99)
) -> dict[str, Any]:
    """How a burst went: ``completed``, ``errors``, counts by outcome kind, ``p<q>_s`` for each
    quantile, ``max_s`` and the first error. Percentiles are over every call: a timed-out call
    counts with its (long) wait."""
    latencies = [o.latency_s for o in outcomes]
    kinds: dict[str, int] = {}
    for outcome in outcomes:
        kinds[outcome.kind] = kinds.get(outcome.kind, 0) + 1
    completed = sum(o.ok for o in outcomes)
    return {
        "completed": completed,
        "errors": len(outcomes) - completed,
        "outcomes": kinds,
        **{f"p{q}_s": percentile(latencies, q) for q in quantiles},
        "max_s": max(latencies) if latencies else None,
        "first_error": next((o.error for o in outcomes if not o.ok), None),
    }


@asynccontextmanager
async def sessions(
    url: str | Endpoint, count: int, *, init_timeout_s: float = 30.0
) -> AsyncIterator[list[McpClient]]:
    """``count`` initialised MCP sessions with the server at ``url`` (or a stdio endpoint:
    then each session is a server process of its own)."""
    endpoint = HttpEndpoint(url) if isinstance(url, str) else url
    if isinstance(endpoint, StdioEndpoint):
        async with _stdio_sessions(endpoint, count, init_timeout_s) as clients:
            yield clients
        return
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(McpClient.connect(endpoint, init_timeout_s=init_timeout_s))
            for _ in range(count)
        ]
        yield clients


@asynccontextmanager
async def _stdio_sessions(
    endpoint: StdioEndpoint, count: int, init_timeout_s: float
) -> AsyncIterator[list[McpClient]]:
    """``count`` stdio sessions started side by side: each is a server process whose start-up
    (seconds for a big Python server) would otherwise add up. A task per session opens it,
    holds it until the caller is done, and closes it in the task that opened it."""
    clients: list[McpClient | None] = [None] * count
    opened, done = anyio.Event(), anyio.Event()
    remaining = count

    async def hold(index: int) -> None:
        nonlocal remaining
        async with McpClient.connect(endpoint, init_timeout_s=init_timeout_s) as client:
            clients[index] = client
            remaining -= 1
            if remaining == 0:
                opened.set()
            await done.wait()

    async with anyio.create_task_group() as group:
        for index in range(count):
            group.start_soon(hold, index)
        with anyio.fail_after(init_timeout_s + 5.0):
            await opened.wait()
        try:
            yield [client for client in clients if client is not None]
        finally:
            done.set()


async def burst(
    clients: Sequence[McpClient],
    calls: int,
    tool: str,
    arguments: Callable[[int], dict[str, Any]],
    *,
    timeout_s: float,
) -> list[CallOutcome]:
    """``calls`` calls started together, spread round-robin over the sessions."""
    outcomes: list[CallOutcome] = []

    async def one(index: int) -> None:
        client = clients[index % len(clients)]
        outcomes.append(await client.call(tool, arguments(index), timeout_s=timeout_s))

    async with anyio.create_task_group() as group:
        for index in range(calls):
            group.start_soon(one, index)
    return outcomes


async def closed_loop(
    clients: Sequence[McpClient],
    workers: int,
    duration_s: float,
    mix: MixSpec,
    *,
    workdir: str,
    timeout_s: float,
    seed: int = 7,
) -> list[CallOutcome]:
    """``workers`` callers, each calling again as soon as answered, until ``duration_s``."""
    outcomes: list[CallOutcome] = []
    stop_at = time.monotonic() + duration_s

    async def worker(index: int) -> None:
        planner = ToolMixPlanner(mix, workdir=workdir, seed=seed + index)
        client = clients[index % len(clients)]
        while time.monotonic() < stop_at:
            planned = planner.next_call()
            outcome = await client.call(planned.tool, planned.arguments, timeout_s=timeout_s)
            outcomes.append(outcome)
            if outcome.ok:
                planner.observe(outcome.json())
            elif outcome.kind == "transport_error":
                await anyio.sleep(0.2)  # a broken session must not spin

    async with anyio.create_task_group() as group:
        for index in range(workers):
            group.start_soon(worker, index)
    return outcomes
