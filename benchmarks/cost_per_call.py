"""Issue 21's cost per call: zen_server against a bare MCP SDK server, measured in one run.

    python benchmarks/cost_per_call.py                 # ~2-4 min on a loaded 2-core machine
    python benchmarks/cost_per_call.py --json runs/cost/now.json

Both servers run over stdio as real child processes, driven by the harness's MCP client
(the SDK's own client), against one fake OpenAI-compatible provider in its own process at
zero latency. The two servers take turns, ``--rounds`` times each, so a change in the
machine's load hits both; every figure is reported raw with the load average, and the
ratios are what to compare across runs.

Per server:
* overhead at concurrency 1: each call's latency minus the median latency of a direct
  provider call (the same request with httpx, no MCP), p50 and p99 (goal: <= 1 ms, <= 5 ms);
* calls/s with 50 calls in flight on one session (goal: zen >= 0.9 of the bare server).

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
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fakes.testing import FakeProviderProcess  # noqa: E402
from harness.mcp_client import McpClient, StdioEndpoint  # noqa: E402

BARE = ROOT / "benchmarks" / "bare_sdk_server.py"


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _arguments(number: int) -> dict[str, Any]:
    return {"prompt": f"question {number}", "model": "llama3.2", "working_directory_absolute_path": "/tmp"}


async def direct_latencies(base_url: str, calls: int) -> list[float]:
    """The provider call alone, as the bare server makes it: what an MCP hop is compared with."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as client:
        out = []
        for number in range(calls):
            started = time.perf_counter()
            response = await client.post(
                "/chat/completions",
                json={"model": "llama3.2", "messages": [{"role": "user", "content": f"question {number}"}]},
                headers={"Authorization": "Bearer direct"},
            )
            response.raise_for_status()
            out.append(time.perf_counter() - started)
        return out


async def measure(
    endpoint: StdioEndpoint, sequential: int, concurrent: int, in_flight: int
) -> dict[str, Any]:
    async with McpClient.connect(endpoint) as client:
        for number in range(20):  # warm-up: imports, connection pools, caches
            outcome = await client.call("chat", _arguments(number), timeout_s=60)
            if not outcome.ok:
                raise RuntimeError(f"warm-up call failed: {outcome.kind} {outcome.error}")
        latencies = []
        for number in range(sequential):
            started = time.perf_counter()
            outcome = await client.call("chat", _arguments(number), timeout_s=60)
            latencies.append(time.perf_counter() - started)
            if not outcome.ok:
                raise RuntimeError(f"call failed: {outcome.kind} {outcome.error}")
        queue = iter(range(concurrent))
        failures = 0

        async def worker() -> None:
            nonlocal failures
            for number in queue:
                if not (await client.call("chat", _arguments(number), timeout_s=60)).ok:
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(in_flight)))
        elapsed = time.perf_counter() - started
    return {"latencies": latencies, "calls_per_s": concurrent / elapsed, "failures": failures}


async def run(
    rounds: int, sequential: int, concurrent: int, in_flight: int, others: dict[str, Path]
) -> dict[str, Any]:
    with FakeProviderProcess("openai") as fake:
        base = fake.openai_base_url
        env = {"CUSTOM_API_URL": base, "LOG_LEVEL": "ERROR", "DEFAULT_MODEL": "llama3.2"}
        logs = Path(tempfile.mkdtemp(prefix="cost-per-call-"))
        servers = {
            "zen": StdioEndpoint(
                sys.executable, ("-m", "zen_server"), env=env, stderr_path=str(logs / "zen.log")
            ),
            "bare": StdioEndpoint(sys.executable, (str(BARE),), env=env, stderr_path=str(logs / "bare.log")),
        }
        for name, tree in others.items():  # e.g. zen_server as an earlier commit had it, for before/after
            servers[name] = StdioEndpoint(
                sys.executable,
                ("-m", "zen_server"),
                env={**env, "PYTHONPATH": str(tree)},
                cwd=str(tree),
                stderr_path=str(logs / f"{name}.log"),
            )
        figures: dict[str, dict[str, list[float]]] = {
            n: {"latencies": [], "calls_per_s": []} for n in servers
        }
        direct: list[float] = []
        loads = [os.getloadavg()]
        for _ in range(rounds):
            direct += await direct_latencies(base, sequential)
            for name, endpoint in servers.items():
                got = await measure(endpoint, sequential, concurrent, in_flight)
                if got["failures"]:
                    raise RuntimeError(f"{name}: {got['failures']} of {concurrent} concurrent calls failed")
                figures[name]["latencies"] += got["latencies"]
                figures[name]["calls_per_s"].append(got["calls_per_s"])
            loads.append(os.getloadavg())
    direct_p50 = statistics.median(direct)
    result: dict[str, Any] = {
        "rounds": rounds,
        "sequential_calls_per_round": sequential,
        "concurrent_calls_per_round": concurrent,
        "in_flight": in_flight,
        "load_average": [[round(x, 2) for x in load] for load in loads],
        "direct_provider_ms": {"p50": direct_p50 * 1e3, "p99": _quantile(direct, 0.99) * 1e3},
    }
    for name, got in figures.items():
        overhead = [latency - direct_p50 for latency in got["latencies"]]
        result[name] = {
            "latency_ms": {
                "p50": statistics.median(got["latencies"]) * 1e3,
                "p99": _quantile(got["latencies"], 0.99) * 1e3,
            },
            "overhead_ms": {"p50": statistics.median(overhead) * 1e3, "p99": _quantile(overhead, 0.99) * 1e3},
            "calls_per_s_per_round": [round(x, 1) for x in got["calls_per_s"]],
            "calls_per_s": statistics.median(got["calls_per_s"]),
        }
    for name in figures:
        if name == "bare":
            continue
        ratios = [
            z / b for z, b in zip(figures[name]["calls_per_s"], figures["bare"]["calls_per_s"], strict=True)
        ]
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
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    others = {name: Path(tree).resolve() for name, _, tree in (spec.partition("=") for spec in args.also)}
    result = asyncio.run(run(args.rounds, args.sequential, args.concurrent, args.in_flight, others))
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
