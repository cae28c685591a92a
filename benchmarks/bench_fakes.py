"""How much load the fake provider takes, and how much latency it adds by itself.

    python benchmarks/bench_fakes.py [--seconds 4] [--concurrency 8]

Prints requests/s at zero configured latency (many concurrent clients) and the fake's own
added latency (p50/p99 of sequential calls with zero configured latency), so load gates
can stay well below the fake's capacity. `run_benchmark()` is importable for tests.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass

import httpx

from fakes.testing import FakeProviderProcess, FakeServer

BODY = {"model": "gpt-5", "messages": [{"role": "user", "content": "benchmark me"}]}


@dataclass(frozen=True)
class BenchResult:
    requests: int
    errors: int
    requests_per_s: float
    added_p50_ms: float
    added_p99_ms: float


async def _throughput(url: str, seconds: float, concurrency: int) -> tuple[int, int, float]:
    done = errors = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=10, limits=limits) as client:

        async def worker() -> None:
            nonlocal done, errors
            while time.monotonic() < deadline:
                response = await client.post(url, json=BODY)
                done += 1
                errors += response.status_code != 200

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done, errors, time.monotonic() - started


def _added_latency_ms(url: str, samples: int) -> list[float]:
    timings: list[float] = []
    with httpx.Client(timeout=10) as client:
        client.post(url, json=BODY)  # warm the connection
        for _ in range(samples):
            started = time.perf_counter()
            client.post(url, json=BODY).raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def run_benchmark(
    seconds: float = 4.0, concurrency: int = 8, latency_samples: int = 300, *, subprocess: bool = True
) -> BenchResult:
    """Start a fake, load it, and measure; bounded by `seconds` plus the samples.

    By default the fake runs in its own process, so the load generator does not share its GIL.
    """
    fake: FakeServer | FakeProviderProcess = (
        FakeProviderProcess("openai") if subprocess else FakeServer("openai")
    )
    with fake:
        url = f"{fake.openai_base_url}/chat/completions"
        done, errors, elapsed = asyncio.run(_throughput(url, seconds, concurrency))
        timings = sorted(_added_latency_ms(url, latency_samples))
    p99_index = min(len(timings) - 1, int(len(timings) * 0.99))
    return BenchResult(done, errors, done / elapsed, statistics.median(timings), timings[p99_index])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    result = run_benchmark(args.seconds, args.concurrency, args.samples)
    print(
        f"fake capacity: {result.requests_per_s:.0f} requests/s at zero latency "
        f"({result.requests} requests, {result.errors} errors, concurrency {args.concurrency})"
    )
    print(
        f"fake added latency: p50 {result.added_p50_ms:.2f} ms, p99 {result.added_p99_ms:.2f} ms "
        f"(sequential, keep-alive, {args.samples} samples)"
    )


if __name__ == "__main__":
    main()
