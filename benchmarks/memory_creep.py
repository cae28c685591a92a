"""Issue 21's creep hunt: which allocations made by chat calls are still alive later, after the store is full.

    python benchmarks/memory_creep.py                    # ~1-2 min; prints two segments' live sites
    python benchmarks/memory_creep.py --calls 4000 --json runs/creep/now.json

The server is composed as ``build_app`` composes it (the CLI's composition, the store at
``--store-threads``), talking to the real fake provider over real sockets; calls go
through ``app.executor.call`` as the MCP adapter makes them, ``--concurrency`` at a time,
each a new conversation (so every call past the cap evicts one thread, as in a soak).

After a warm-up that fills the store, two segments of ``--calls`` calls each run under a
``memray.Tracker`` (Python allocators traced, so every object is its own record). What a
segment allocated and still holds when it ends is its growth: once the store is full a
plateaued server holds, at the end of a segment, only the replacements of what it freed
(the store's newest threads), so the live bytes of both segments are about the same and
bounded by the store. A site whose live bytes grow with the number of calls is a creep.
The fake provider runs in this process too: its sites are listed under their own file.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import memray
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.shared import write_json  # noqa: E402
from fakes.testing import FakeServer  # noqa: E402
from harness.leaks.analysis import group_sites  # noqa: E402
from zen_server.config import Settings  # noqa: E402
from zen_server.server import ZenApp, build_app  # noqa: E402

MB = 1024 * 1024


async def _calls(app: ZenApp, count: int, concurrency: int, counter: list[int]) -> None:
    async def one() -> None:
        counter[0] += 1
        result = await app.executor.call(
            "chat",
            {
                "prompt": f"question {counter[0]}",
                "model": "llama3.2",
                "working_directory_absolute_path": "/tmp",
            },
            session_id="creep-session",
            request_id=f"creep-{counter[0]}",
        )
        if result.status == "error":
            raise RuntimeError(f"call failed: {result.content[:300]}")

    for start in range(0, count, concurrency):
        await asyncio.gather(*(one() for _ in range(min(concurrency, count - start))))


def _rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / MB


async def run(calls: int, warmup: int, concurrency: int, store_threads: int, top: int) -> dict[str, Any]:
    fake = FakeServer("openai", seed=5).start()
    app = build_app(
        Settings(
            custom_api_url=fake.openai_base_url, log_level="CRITICAL", zen_store_max_threads=store_threads
        )
    )
    await app.start()
    counter = [0]
    segments: list[dict[str, Any]] = []
    try:
        await _calls(app, warmup, concurrency, counter)
        for number in (1, 2):
            gc.collect()
            with tempfile.TemporaryDirectory() as tmp:
                capture = Path(tmp) / f"segment{number}.bin"
                rss_before = _rss_mb()
                started = time.monotonic()
                with memray.Tracker(capture, trace_python_allocators=True):
                    await _calls(app, calls, concurrency, counter)
                    gc.collect()
                elapsed = time.monotonic() - started
                reader = memray.FileReader(capture)
                live = list(reader.get_leaked_allocation_records(merge_threads=True))
                sites = group_sites(live, top)
                segments.append(
                    {
                        "segment": number,
                        "calls": calls,
                        "calls_per_s": round(calls / elapsed, 1),
                        "live_mb": round(sum(r.size for r in live) / MB, 3),
                        "live_allocations": sum(r.n_allocations for r in live),
                        "rss_before_mb": round(rss_before, 1),
                        "rss_after_mb": round(_rss_mb(), 1),
                        "store_threads": app.store.thread_count
                        if hasattr(app.store, "thread_count")
                        else None,
                        "store_bytes": getattr(app.store, "bytes_used", None),
                        "sites": [
                            {
                                "mb": round(s.size_mb, 3),
                                "allocations": s.allocations,
                                "where": f"{s.function} {s.file}:{s.line}",
                            }
                            for s in sites
                        ],
                    }
                )
    finally:
        await app.aclose()
        fake.stop()
    return {
        "warmup_calls": warmup,
        "concurrency": concurrency,
        "store_threads": store_threads,
        "segments": segments,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000, help="calls per tracked segment")
    parser.add_argument("--warmup", type=int, default=1000, help="calls before the first segment")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--store-threads", type=int, default=100, help="ZEN_STORE_MAX_THREADS")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    result = asyncio.run(run(args.calls, args.warmup, args.concurrency, args.store_threads, args.top))
    for seg in result["segments"]:
        print(
            f"segment {seg['segment']}: {seg['calls']} calls at {seg['calls_per_s']}/s; live at its end: "
            f"{seg['live_mb']} MB in {seg['live_allocations']} allocations; RSS {seg['rss_before_mb']} -> "
            f"{seg['rss_after_mb']} MB; store {seg['store_threads']} threads, {seg['store_bytes']} bytes"
        )
        for site in seg["sites"]:
            print(f"  {site['mb']:8.3f} MB {site['allocations']:7d}  {site['where']}")
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
