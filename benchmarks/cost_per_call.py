"""Issue 21's cost per call: zen_server against a bare MCP SDK server, measured in one run.

    python benchmarks/cost_per_call.py                 # ~2-4 min on a loaded 2-core machine
    python benchmarks/cost_per_call.py --json runs/cost/now.json

Both servers run over stdio as real child processes, driven by the harness's MCP client
(the SDK's own client), against one fake OpenAI-compatible provider in its own process at
zero latency. All servers stay connected for the whole run and take turns call by call
(concurrency 1) and burst by burst (``--in-flight`` calls on one session), ``--rounds``
times, so a change in the machine's load reaches each alike; every figure is reported raw
with the load average, and the ratios are what to compare across runs.

Per server:
* overhead at concurrency 1: each call's latency minus the median latency of a direct
  provider call (the same request with httpx, no MCP), p50 and p99 (goal: <= 1 ms, <= 5 ms);
* calls/s with 50 calls in flight on one session (goal: zen >= 0.9 of the bare server),
  and the server process's CPU milliseconds per call in those bursts (steadier under load).

``--also before=DIR`` adds zen_server from another source tree (``git archive <commit> |
tar -x -C DIR``) to the same rounds, so a before/after comparison shares the machine's load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.shared import write_json  # noqa: E402
from fakes.testing import FakeProviderProcess  # noqa: E402
from harness.launcher import HttpServerProcess  # noqa: E402
from harness.mcp_client import Endpoint, HttpEndpoint, McpClient, StdioEndpoint  # noqa: E402

BARE = ROOT / "benchmarks" / "bare_sdk_server.py"
HTTP_ZEN_ARGS = ["--transport", "http", "--host", "127.0.0.1", "--port", "{port}"]


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _arguments(number: int) -> dict[str, Any]:
    return {"prompt": f"question {number}", "model": "llama3.2", "working_directory_absolute_path": "/tmp"}


async def _direct_call(client: httpx.AsyncClient, number: int) -> float:
    """The provider call alone, as the bare server makes it: what an MCP hop is compared with."""
    started = time.perf_counter()
    response = await client.post(
        "/chat/completions",
        json={"model": "llama3.2", "messages": [{"role": "user", "content": f"question {number}"}]},
        headers={"Authorization": "Bearer direct"},
    )
    response.raise_for_status()
    return time.perf_counter() - started


async def _timed_call(client: McpClient, number: int) -> float:
    started = time.perf_counter()
    outcome = await client.call("chat", _arguments(number), timeout_s=60)
    if not outcome.ok:
        raise RuntimeError(f"call failed: {outcome.kind} {outcome.error}")
    return time.perf_counter() - started


async def _burst(client: McpClient, calls: int, in_flight: int) -> tuple[float, int]:
    """calls/s of ``calls`` calls with ``in_flight`` at a time on one session, and how many failed.

    A failure is counted, not raised: past the session cap (ZEN_SESSION_MAX_IN_FLIGHT) zen
    answers some calls with a rejection, and that is part of what is measured.
    """
    queue = iter(range(calls))
    failed = 0

    async def worker() -> None:
        nonlocal failed
        for number in queue:
            if not (await client.call("chat", _arguments(number), timeout_s=60)).ok:
                failed += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return calls / (time.perf_counter() - started), failed


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its threads so far."""
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


@contextmanager
def _in_dir(cwd: str, process: HttpServerProcess) -> Iterator[HttpServerProcess]:
    """Start ``process`` with ``cwd`` as its working directory (an earlier source tree)."""
    here = os.getcwd()
    os.chdir(cwd)
    try:
        process.start()
    finally:
        os.chdir(here)
    with process:
        yield process


async def run(
    rounds: int,
    sequential: int,
    concurrent: int,
    in_flight: int,
    others: dict[str, Path],
    variants: dict[str, dict[str, str]],
    transport: str,
) -> dict[str, Any]:
    with FakeProviderProcess("openai") as fake:
        base = fake.openai_base_url
        env = {"CUSTOM_API_URL": base, "LOG_LEVEL": "ERROR", "DEFAULT_MODEL": "llama3.2"}
        logs = Path(tempfile.mkdtemp(prefix="cost-per-call-"))
        zen = [sys.executable, "-m", "zen_server"]
        specs: dict[str, tuple[list[str], dict[str, str], str | None]] = {
            "zen": (zen, env, None),
            "bare": ([sys.executable, str(BARE)], env, None),
        }
        for name, tree in others.items():  # e.g. zen_server as an earlier commit had it, for before/after
            specs[name] = (zen, {**env, "PYTHONPATH": str(tree)}, str(tree))
        for name, extra in variants.items():  # this tree with other settings
            specs[name] = (zen, {**env, **extra}, None)
        latencies: dict[str, list[float]] = {name: [] for name in [*specs, "direct"]}
        rates: dict[str, list[float]] = {name: [] for name in specs}
        refused: dict[str, int] = {name: 0 for name in specs}
        cpu: dict[str, list[float]] = {name: [] for name in specs}  # server CPU seconds per call
        loads = [os.getloadavg()]
        async with AsyncExitStack() as stack:
            servers: dict[str, Endpoint] = {}
            pids: dict[str, int] = {}
            for name, (argv, server_env, cwd) in specs.items():
                if transport == "stdio":
                    servers[name] = StdioEndpoint(
                        argv[0],
                        tuple(argv[1:]),
                        env=server_env,
                        cwd=cwd,
                        stderr_path=str(logs / f"{name}.log"),
                    )
                else:
                    http_argv = [*argv, *(HTTP_ZEN_ARGS if argv is zen else ["--http", "{port}"])]
                    process = HttpServerProcess(http_argv, env=server_env, log_path=logs / f"{name}.log")
                    stack.enter_context(process.start() if cwd is None else _in_dir(cwd, process))
                    servers[name] = HttpEndpoint(process.url)
                    pids[name] = process.pid
            clients = {
                name: await stack.enter_async_context(McpClient.connect(e)) for name, e in servers.items()
            }
            for name, client in clients.items():
                if client.pid is not None:
                    pids[name] = client.pid
            direct = await stack.enter_async_context(httpx.AsyncClient(base_url=base, timeout=60.0))
            for number in range(20):  # warm-up: imports, connection pools, caches
                for client in clients.values():
                    await _timed_call(client, number)
            for _ in range(rounds):
                # Call by call in turn, so a change in the machine's load reaches every server alike.
                for number in range(sequential):
                    latencies["direct"].append(await _direct_call(direct, number))
                    for name, client in clients.items():
                        latencies[name].append(await _timed_call(client, number))
                for name, client in clients.items():
                    cpu_before = _cpu_s(pids[name])
                    rate, failed = await _burst(client, concurrent, in_flight)
                    cpu[name].append((_cpu_s(pids[name]) - cpu_before) / concurrent)
                    rates[name].append(rate)
                    refused[name] += failed
                loads.append(os.getloadavg())
    direct_p50 = statistics.median(latencies["direct"])
    result: dict[str, Any] = {
        "rounds": rounds,
        "sequential_calls_per_round": sequential,
        "concurrent_calls_per_round": concurrent,
        "in_flight": in_flight,
        "transport": transport,
        "load_average": [[round(x, 2) for x in load] for load in loads],
        "direct_provider_ms": {"p50": direct_p50 * 1e3, "p99": _quantile(latencies["direct"], 0.99) * 1e3},
    }
    for name in specs:
        overhead = [latency - direct_p50 for latency in latencies[name]]
        result[name] = {
            "latency_ms": {
                "p50": statistics.median(latencies[name]) * 1e3,
                "p99": _quantile(latencies[name], 0.99) * 1e3,
            },
            "overhead_ms": {"p50": statistics.median(overhead) * 1e3, "p99": _quantile(overhead, 0.99) * 1e3},
            "calls_per_s_per_round": [round(x, 1) for x in rates[name]],
            "calls_per_s": statistics.median(rates[name]),
            "failed_in_bursts": refused[name],
            # CPU time the server process spent per call in the bursts: far less sensitive to
            # the machine's load than wall time, so the steadier figure for before/after.
            "cpu_ms_per_call_per_round": [round(x * 1e3, 3) for x in cpu[name]],
            "cpu_ms_per_call": statistics.median(cpu[name]) * 1e3,
        }
        if name != "bare":
            ratios = [z / b for z, b in zip(rates[name], rates["bare"], strict=True)]
            result[f"ratio_calls_per_s_{name}_over_bare"] = {
                "per_round": [round(r, 3) for r in ratios],
                "median": statistics.median(ratios),
            }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sequential", type=int, default=200, help="concurrency-1 calls per round")
    parser.add_argument("--concurrent", type=int, default=1000, help="calls per round at --in-flight")
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="also measure zen_server from the source tree DIR (e.g. `git archive` of an earlier commit)",
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME:KEY=VALUE",
        help="this tree's zen_server with a setting changed, e.g. cap100:ZEN_SESSION_MAX_IN_FLIGHT=100",
    )
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    others = {name: Path(tree).resolve() for name, _, tree in (spec.partition("=") for spec in args.also)}
    variants: dict[str, dict[str, str]] = {}
    for spec in args.variant:
        name, _, setting = spec.partition(":")
        key, _, value = setting.partition("=")
        variants.setdefault(name, {})[key] = value
    result = asyncio.run(
        run(args.rounds, args.sequential, args.concurrent, args.in_flight, others, variants, args.transport)
    )
    print(json.dumps(result, indent=1))
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
