"""Issue 17's figures, measured: cache hit rates, single-flight, hit latency, byte budgets.

    python benchmarks/bench_caching.py               # about 30 s; a table, and runs/bench_caching.json
    python benchmarks/bench_caching.py --soak-s 300  # plus both caches at 1 MiB for 5 minutes

The server is built as the CLI builds it (``build_app``) and called through its executor
(a tool call minus the transport) against the real fake provider on a real socket.

* repeated workload: debug workflow runs of three steps over the same six files, and the
  same chat (same files, same prompt) asked again and again, with ZEN_RESPONSE_CACHE=memory;
  the hit rates are the caches' own counters;
* single-flight: 100 identical concurrent chats against a 1 s provider;
* latency: a response-cache hit (memory tier; Redis tier on loopback when Redis is up) and
  a whole chat call served from cache, against a 1 s provider call;
* budgets: the file cache at 1 MB and the response cache at 1 MB under far more data than
  fits, with their byte counts sampled after every operation.

Exit status 0 when every row with a target passes, 1 otherwise.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.shared import Rows, app_for  # noqa: E402
from fakes.testing import FakeServer  # noqa: E402
from zen_server.cache.caller import CachingModelCaller  # noqa: E402
from zen_server.cache.redis_tier import RedisTier  # noqa: E402
from zen_server.cache.response_cache import ResponseCache  # noqa: E402
from zen_server.providers.types import ChatMessage, ModelRequest, ModelResponse, ResolvedCall  # noqa: E402
from zen_server.server import ZenApp  # noqa: E402

MODEL = "llama3.2"
OLD_NS = 1_600_000_000 * 1_000_000_000  # untouched source files: outside the racy window
OUT = ROOT / "runs" / "bench_caching.json"


ROWS = Rows()
row = ROWS.add


@contextmanager
def fake_provider(latency_ms: int) -> Iterator[FakeServer]:
    server = FakeServer(
        "openai", seed=5, behaviour={"default": {"latency": {"fixed_ms": latency_ms}}}
    ).start()
    try:
        yield server
    finally:
        server.stop()


def provider_requests(server: FakeServer) -> int:
    return int(server.engine.stats.snapshot(bodies=0)["requests"])


_ids = iter(range(10**9))


async def call(app: ZenApp, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await app.executor.call(tool, arguments, session_id=None, request_id=f"c{next(_ids)}")
    if result.status == "error":
        raise RuntimeError(f"{tool} failed: {result.content[:300]}")
    document: dict[str, Any] = json.loads(result.content)
    return document


def source_files(folder: Path, count: int, size: int) -> list[str]:
    paths = []
    for n in range(count):
        path = folder / f"module_{n}.py"
        line = f"def function_{n}(value):  # module {n}\n    return value * {n}\n"
        path.write_text(line * (size // len(line) + 1))
        os.utime(path, ns=(OLD_NS, OLD_NS))
        paths.append(str(path))
    return paths


def chat_args(prompt: str, files: list[str]) -> dict[str, Any]:
    return {
        "prompt": prompt,
        "model": MODEL,
        "working_directory_absolute_path": "/tmp",
        "absolute_file_paths": files,
    }


def debug_step(number: int, files: list[str], run: int, continuation: str | None) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "step": f"run {run}: step {number} looks at the modules",
        "step_number": number,
        "total_steps": 3,
        "next_step_required": number < 3,
        "findings": f"run {run} finding {number}",
        "relevant_files": files,
        "files_checked": files,
        "model": MODEL,
    }
    if continuation is not None:
        arguments["continuation_id"] = continuation
    return arguments


def rate(hits: int, misses: int) -> float:
    return hits / (hits + misses) if hits + misses else 0.0


# --- checks ----------------------------------------------------------------------------------
async def repeated_workload(folder: Path) -> None:
    files = source_files(folder, 6, 4_000)
    with fake_provider(20) as server:
        async with app_for(custom_api_url=server.openai_base_url, zen_response_cache="memory") as app:
            for run in range(5):  # workflow steps over the same files, run after run
                continuation = None
                for number in (1, 2, 3):
                    document = await call(app, "debug", debug_step(number, files, run, continuation))
                    continuation = continuation or document.get("continuation_id")
            content = app.files.content_cache
            assert content is not None and app.models.cache is not None
            workflow_hits, workflow_misses = content.stats.hits, content.stats.misses
            memory = app.models.cache.memory.stats
            before_hits, before_misses = memory.hits, memory.misses
            sent_before = provider_requests(server)
            for _ in range(20):  # an agent retrying the same question about the same files
                await call(app, "chat", chat_args("Is module 3 correct?", files[:3]))
            chat_hits, chat_misses = memory.hits - before_hits, memory.misses - before_misses
            sent = provider_requests(server) - sent_before
            file_rate = rate(content.stats.hits, content.stats.misses)
    row(
        "file cache hit rate, repeated workload",
        ">= 80%",
        f"{file_rate:.1%} ({content.stats.hits} hits, {content.stats.misses} misses; workflow alone "
        f"{rate(workflow_hits, workflow_misses):.1%})",
        file_rate >= 0.8,
    )
    response_rate = rate(chat_hits, chat_misses)
    row(
        "response cache hit rate, 20 identical chats",
        ">= 80%",
        f"{response_rate:.1%} ({chat_hits} hits, {chat_misses} misses; provider saw {sent} request(s))",
        response_rate >= 0.8,
    )


async def single_flight() -> None:
    with fake_provider(1000) as server:
        async with app_for(custom_api_url=server.openai_base_url) as app:
            started = time.monotonic()
            results = await asyncio.gather(
                *(call(app, "chat", chat_args("the same question", [])) for _ in range(100))
            )
            took = time.monotonic() - started
            sent = provider_requests(server)
    row(
        "100 identical concurrent chats",
        "provider sees 1",
        f"provider saw {sent}; {len(results)} answers in {took:.2f} s",
        sent == 1,
    )


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


async def hit_latency(folder: Path) -> None:
    files = source_files(folder, 3, 4_000)
    with fake_provider(1000) as server:
        async with app_for(custom_api_url=server.openai_base_url, zen_response_cache="memory") as app:
            started = time.monotonic()
            await call(app, "chat", chat_args("latency question", files))
            provider_call = time.monotonic() - started
            whole: list[float] = []
            for _ in range(200):
                started = time.monotonic()
                await call(app, "chat", chat_args("latency question", files))
                whole.append(time.monotonic() - started)
            request = ModelRequest(MODEL, (ChatMessage("user", "x" * 20_000),))
            await app.models.generate(request)  # stored (1 s)
            lookups = []
            for _ in range(2000):
                started = time.perf_counter()
                answer = await app.models.generate(request)
                lookups.append(time.perf_counter() - started)
                assert answer.cached
    p99 = percentile(lookups, 0.99)
    row(
        "response cache hit, memory tier (p99)",
        "< 5 ms",
        f"{p99 * 1000:.3f} ms (p50 {statistics.median(lookups) * 1000:.3f} ms)",
        p99 < 0.005,
    )
    row(
        "whole chat call served from cache (p50 / p99)",
        "info",
        f"{statistics.median(whole) * 1000:.1f} ms / {percentile(whole, 0.99) * 1000:.1f} ms "
        f"vs {provider_call * 1000:.0f} ms through the 1 s provider",
        None,
    )
    await redis_latency()


class _Answer:
    async def generate(self, request: ModelRequest) -> ModelResponse:
        return ModelResponse("y" * 2_000, "p", request.model, finish_reason="stop")


async def redis_latency() -> None:
    url = os.environ.get("ZEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    prefix = f"zen-bench-{uuid.uuid4().hex[:12]}:"
    tier = RedisTier.from_url(url, prefix=prefix, ttl_s=60, timeout_s=0.5)
    cache = ResponseCache(0, 60.0, tier)  # no memory budget: every hit comes from Redis
    caller = CachingModelCaller(_Answer(), lambda r: ResolvedCall("p", r.model, r.model), cache=cache)
    try:
        request = ModelRequest(MODEL, (ChatMessage("user", "redis question"),))
        await caller.generate(request)
        if tier.errors:
            row(
                "response cache hit, Redis tier (p99)",
                "< 10 ms",
                f"not measured: Redis at {url} unreachable",
                None,
            )
            return
        lookups = []
        for _ in range(1000):
            started = time.perf_counter()
            answer = await caller.generate(request)
            lookups.append(time.perf_counter() - started)
            assert answer.cached
        p99 = percentile(lookups, 0.99)
        row(
            "response cache hit, Redis tier on loopback (p99)", "< 10 ms", f"{p99 * 1000:.3f} ms", p99 < 0.010
        )
    finally:
        await tier.purge()
        await cache.aclose()


async def budgets(folder: Path) -> None:
    files = source_files(folder, 60, 40_000)  # 2.4 MB of text through a 1 MB file cache
    with fake_provider(1) as server:
        async with app_for(custom_api_url=server.openai_base_url, zen_file_cache_mb=1) as app:
            content = app.files.content_cache
            assert content is not None
            peak = 0
            for _ in range(3):
                for path in files:
                    await app.files.read_text(path)
                    peak = max(peak, content.bytes)
    row(
        "file cache stays inside its budget",
        "<= 1 MiB",
        f"peak {peak:,} bytes, {content.stats.evictions} evictions",
        peak <= content.max_bytes,
    )
    cache = ResponseCache(1_048_576, 60.0)
    caller = CachingModelCaller(_Answer(), lambda r: ResolvedCall("p", r.model, r.model), cache=cache)
    peak = 0
    for n in range(3000):  # 3000 distinct 2 kB answers: about 6 MB through a 1 MB cache
        await caller.generate(ModelRequest(MODEL, (ChatMessage("user", f"question {n}"),)))
        peak = max(peak, cache.memory.bytes)
    row(
        "response cache stays inside its budget",
        "<= 1 MiB",
        f"peak {peak:,} bytes, {cache.memory.stats.evictions} evictions",
        peak <= cache.memory.max_bytes,
    )


async def soak_budgets(folder: Path, seconds: float) -> None:
    """Both caches at 1 MiB through the real server for ``seconds``, byte counts sampled throughout."""
    files = source_files(folder, 60, 40_000)
    with fake_provider(1) as server:
        settings = {"zen_file_cache_mb": 1, "zen_response_cache": "memory", "zen_response_cache_mb": 1}
        async with app_for(custom_api_url=server.openai_base_url, **settings) as app:
            content, cache = app.files.content_cache, app.models.cache
            assert content is not None and cache is not None
            peaks = [0, 0]
            operations = 0
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                await app.files.read_text(files[operations % len(files)])
                question = ChatMessage("user", f"soak question {operations} " + "x" * 2000)
                request = ModelRequest(MODEL, (question,))
                await app.models.generate(request)
                peaks = [max(peaks[0], content.bytes), max(peaks[1], cache.memory.bytes)]
                operations += 1
                if operations % 50 == 0:
                    await asyncio.sleep(0.01)  # share the machine
    row(
        f"caches inside 1 MiB budgets over a {seconds:.0f} s run",
        "<= 1 MiB each",
        f"{operations:,} reads + calls; peaks: file {peaks[0]:,} B ({content.stats.evictions:,} evictions), "
        f"response {peaks[1]:,} B ({cache.memory.stats.evictions:,} evictions)",
        peaks[0] <= content.max_bytes and peaks[1] <= cache.memory.max_bytes,
    )


async def main_async(soak_s: float) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-caching-") as raw:
        folder = Path(raw)
        for part, check in (("repeated", repeated_workload), ("latency", hit_latency), ("budgets", budgets)):
            (folder / part).mkdir()
            await check(folder / part)
        if soak_s > 0:
            (folder / "soak").mkdir()
            await soak_budgets(folder / "soak", soak_s)
    await single_flight()


def main() -> int:
    import logging

    logging.disable(logging.WARNING)
    started = time.monotonic()
    print("bench_caching: running (progress on stderr)...", file=sys.stderr, flush=True)
    soak_s = float(sys.argv[sys.argv.index("--soak-s") + 1]) if "--soak-s" in sys.argv else 0.0
    asyncio.run(main_async(soak_s))
    width = max(len(r.check) for r in ROWS)
    print()
    for r in ROWS:
        verdict = "info" if r.ok is None else ("PASS" if r.ok else "FAIL")
        print(f"{r.check.ljust(width)} | {r.target:>15} | {verdict:4} | {r.measured}")
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps([asdict(r) for r in ROWS], indent=2) + "\n", encoding="utf-8")
    failed = [r for r in ROWS if r.ok is False]
    print(f"\n{len(ROWS) - len(failed)}/{len(ROWS)} rows without failure; {time.monotonic() - started:.0f} s")
    print(f"written: {OUT.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
