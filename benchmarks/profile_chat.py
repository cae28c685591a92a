"""Where a chat call's time goes inside zen_server: cProfile over sequential calls (issue 21).

    python benchmarks/profile_chat.py                  # 400 calls; top 30 by own time
    python benchmarks/profile_chat.py --calls 1000 --sort cumulative --out runs/profile/chat.prof

The app is composed by ``build_app`` against the real fake provider (in this process, on
its own thread and loop, so its own work shows in the profile under fakes/); the calls
go through ``app.executor.call`` one at a time, as the MCP adapter makes them. Read the
rows under zen_server/ for work repeated per call.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fakes.testing import FakeServer  # noqa: E402
from zen_server.config import Settings  # noqa: E402
from zen_server.server import build_app  # noqa: E402


async def run(calls: int, profiler: cProfile.Profile) -> float:
    fake = FakeServer("openai", seed=5).start()
    app = build_app(Settings(custom_api_url=fake.openai_base_url, log_level="CRITICAL"))
    await app.start()
    try:
        arguments = {"prompt": "question", "model": "llama3.2", "working_directory_absolute_path": "/tmp"}
        for number in range(50):  # warm-up outside the profile
            await app.executor.call("chat", arguments, session_id="s", request_id=f"w{number}")
        started = time.perf_counter()
        profiler.enable()
        for number in range(calls):
            result = await app.executor.call("chat", arguments, session_id="s", request_id=f"p{number}")
            if result.status == "error":
                raise RuntimeError(result.content[:300])
        profiler.disable()
        return (time.perf_counter() - started) / calls
    finally:
        await app.aclose()
        fake.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", type=Path, help="also dump the raw profile here (for snakeviz etc.)")
    args = parser.parse_args()
    profiler = cProfile.Profile()
    per_call = asyncio.run(run(args.calls, profiler))
    print(f"{args.calls} calls, {per_call * 1e3:.2f} ms per call under the profiler")
    stats = pstats.Stats(profiler)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        stats.dump_stats(args.out)
    stats.sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
