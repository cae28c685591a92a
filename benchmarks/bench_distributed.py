"""Issue 15's measurements of distributed mode (the Redis conversation store).

    python benchmarks/bench_distributed.py              # about 7 min: includes the 5-min soak
    python benchmarks/bench_distributed.py --soak-s 60  # a shorter soak (say so when quoting it)

Needs a Redis (``BENCH_REDIS_URL``, default the machine's on 127.0.0.1:6379); every key goes
under a fresh ``bench-<uuid>:`` prefix that is deleted at the end. Rows:

1. store overhead per continued call (load the thread + append the exchange), p50/p99, for
   the Redis store and, for scale, the in-memory store, over the same 2,000 operations;
2. calls/s at zero provider latency, distributed vs in-memory, in the same run (rounds
   alternate so machine noise hits both), through ``build_app`` and the real fake provider;
3. 100 concurrent continuations of one thread spread over 2 ``zen-server`` processes on one
   Redis, through the MCP SDK over HTTP, 20 runs (after one warm-up call per process):
   exactly 100 exchanges stored each time, checked in Redis (turn list, idempotency set,
   every prompt's marker once); acknowledged turns lost or duplicated are counted apart;
4. server RSS over a soak in distributed mode (threads live in Redis): growth after warm-up.
Targets are the issue's; exit status 0 when every row with a target passes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import httpx2  # noqa: E402
import psutil  # noqa: E402
import redis.asyncio as aioredis  # noqa: E402
from mcp import Client  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

from benchmarks.shared import Rows, app_for  # noqa: E402
from fakes.testing import FakeServer  # noqa: E402
from zen_server.config import Settings  # noqa: E402
from zen_server.conversation.memory_store import BoundedMemoryStore  # noqa: E402
from zen_server.conversation.redis_store import RedisStore  # noqa: E402
from zen_server.conversation.types import ConversationStore, Thread, Turn  # noqa: E402
from zen_server.server import ZenApp  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PREFIX = f"bench-{uuid.uuid4().hex[:10]}:"
ZEN_SERVER = str(Path(sys.executable).with_name("zen-server"))
MB = 1024 * 1024
ROWS = Rows()
row = ROWS.add


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def turn(text: str, role: str = "user") -> Turn:
    return Turn(role=role, content=text, tool_name="chat", timestamp=time.time(), turn_id=uuid.uuid4().hex)  # type: ignore[arg-type]


# --- 1. store overhead ---------------------------------------------------------------------
async def continued_call_times(
    store: ConversationStore, threads: int = 200, turns_each: int = 10
) -> list[float]:
    ids = []
    for _ in range(threads):
        thread = Thread(
            str(uuid.uuid4()),
            "chat",
            time.time(),
            time.time(),
            (turn("q " * 200), turn("a " * 400, "assistant")),
        )
        await store.create(thread)
        ids.append(thread.thread_id)
    times = []
    for _ in range(turns_each):
        for thread_id in ids:
            started = time.perf_counter()
            await store.get(thread_id)
            await store.append(thread_id, (turn("q " * 200), turn("a " * 400, "assistant")), max_turns=1000)
            times.append(time.perf_counter() - started)
    return times


async def store_overhead() -> None:
    settings = Settings(distributed_mode=True, redis_url=REDIS_URL, zen_redis_prefix=PREFIX + "ovh:")
    redis_store = RedisStore.from_settings(settings)
    await redis_store.open()
    memory_store = BoundedMemoryStore(max_threads=10_000, byte_budget=512 * MB, ttl_s=3600)
    try:
        redis_times = await continued_call_times(redis_store)
        memory_times = await continued_call_times(memory_store)
    finally:
        await redis_store.aclose()
        await memory_store.aclose()
    p50, p99 = pct(redis_times, 50) * 1000, pct(redis_times, 99) * 1000
    row(
        f"store overhead per continued call (get + append), Redis, {len(redis_times)} calls",
        "p50 <= 1 ms",
        f"p50 {p50:.3f} ms, p99 {p99:.3f} ms (in-memory: p50 {pct(memory_times, 50) * 1000:.3f} ms, "
        f"p99 {pct(memory_times, 99) * 1000:.3f} ms)",
        p50 <= 1.0,
    )


# --- 2. throughput ratio ---------------------------------------------------------------------
async def calls_per_second(app: ZenApp, seconds: float, workers: int = 16) -> float:
    deadline = time.monotonic() + seconds
    done = 0

    async def worker(index: int) -> None:
        nonlocal done
        thread: str | None = None
        turns = 0
        while time.monotonic() < deadline:
            args: dict[str, Any] = {
                "prompt": f"w{index} t{turns}",
                "model": "llama3.2",
                "working_directory_absolute_path": "/tmp",
            }
            if thread is not None:
                args["continuation_id"] = thread
            result = await app.executor.call("chat", args, session_id=None, request_id=uuid.uuid4().hex)
            if result.status == "error":
                raise RuntimeError(result.content)
            done += 1
            turns += 1
            thread = None if turns % 10 == 0 else result.continuation_id

    started = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(workers)))
    return done / (time.monotonic() - started)


async def throughput_ratio(rounds: int = 3, seconds: float = 4.0) -> None:
    fake = FakeServer("openai", seed=3).start()
    try:
        common = {"custom_api_url": fake.openai_base_url, "max_conversation_turns": 50}
        memory: list[float] = []
        redis: list[float] = []
        for index in range(rounds):
            async with app_for(**common) as app:
                memory.append(await calls_per_second(app, seconds))
            prefix = f"{PREFIX}tp{index}:"
            async with app_for(
                **common, distributed_mode=True, redis_url=REDIS_URL, zen_redis_prefix=prefix
            ) as app:
                redis.append(await calls_per_second(app, seconds))
    finally:
        fake.stop()
    ratio = statistics.median(redis) / statistics.median(memory)
    row(
        "calls/s at zero provider latency, distributed / in-memory (same run, median of rounds)",
        ">= 0.8",
        f"{ratio:.2f} (distributed {statistics.median(redis):.0f}/s, "
        f"in-memory {statistics.median(memory):.0f}/s; "
        f"rounds {[round(x) for x in redis]} vs {[round(x) for x in memory]})",
        ratio >= 0.8,
    )


# --- 3. 100 concurrent continuations over 2 processes ---------------------------------------
def start_server(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [ZEN_SERVER, "--transport", "http", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdin=subprocess.DEVNULL, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # fail-safe on a server that never starts
        if process.poll() is not None:
            raise RuntimeError(f"zen-server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("zen-server did not start")


def log_dir() -> Path:
    """Server logs go under runs/ (git-ignored): a benchmark never writes tracked files."""
    path = Path(os.environ.get("BENCH_LOG_DIR", str(ROOT / "runs" / "bench-distributed")))
    path.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(fake: FakeServer, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZEN_", "OPENAI", "GEMINI"))}
    env.update(
        CUSTOM_API_URL=fake.openai_base_url, CUSTOM_API_KEY="bench", CUSTOM_MODEL_NAME="llama3.2",
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "ERROR"),  # INFO shows store_unavailable events
        DISTRIBUTED_MODE="true", REDIS_URL=REDIS_URL, ZEN_REDIS_PREFIX=prefix,
        MAX_CONVERSATION_TURNS="1000", ZEN_SESSION_MAX_IN_FLIGHT="200", MAX_CONCURRENT_REQUESTS="200",
    )  # fmt: skip
    return env


@asynccontextmanager
async def mcp_client(base: str) -> AsyncIterator[Client]:
    async with (
        httpx2.AsyncClient(timeout=httpx2.Timeout(30, read=120)) as http,
        Client(streamable_http_client(f"{base}/mcp", http_client=http), read_timeout_seconds=120) as client,
    ):
        yield client


async def chat_over_mcp(client: Client, prompt: str, continuation_id: str | None = None) -> dict[str, Any]:
    args: dict[str, Any] = {"prompt": prompt, "model": "llama3.2", "working_directory_absolute_path": "/tmp"}
    if continuation_id:
        args["continuation_id"] = continuation_id
    result = await client.call_tool("chat", args)
    text = result.content[0].text  # type: ignore[union-attr]
    if result.is_error:
        raise RuntimeError(text)
    document: dict[str, Any] = json.loads(text)
    return document


async def concurrent_continuations(runs: int = 20, calls: int = 100) -> None:
    fake = FakeServer("openai", seed=4).start()
    prefix = PREFIX + "cc:"
    logs = log_dir()
    servers = [start_server(server_env(fake, prefix), logs / f"server-{i}.log") for i in range(2)]
    raw = aioredis.Redis.from_url(REDIS_URL)
    exact = lost = duplicated = unacked_total = 0
    details: list[str] = []
    failures: dict[str, int] = {}
    try:
        for _, base in servers:  # one call each first: a fresh process's first burst pays its warm-up
            async with mcp_client(base) as client:
                await chat_over_mcp(client, "warm-up")
        for run in range(runs):
            # Fresh sessions each run: a transport failure costs one run, not the rest.
            try:
                async with mcp_client(servers[0][1]) as first, mcp_client(servers[1][1]) as second:
                    opened = await chat_over_mcp(first, f"run {run} opens")
                    thread = opened["continuation_offer"]["continuation_id"]
                    markers = [f"MK{run:02d}x{i:03d}Q" for i in range(calls)]
                    results = await asyncio.gather(
                        *(
                            chat_over_mcp((first, second)[i % 2], f"turn [{m}]", thread)
                            for i, m in enumerate(markers)
                        ),
                        return_exceptions=True,
                    )
                    failed = [r for r in results if isinstance(r, BaseException)]
                    # Answered without a continuation offer: the server said it could not store it.
                    unacknowledged = {
                            m for m, r in zip(markers, results, strict=True)
                            if not isinstance(r, BaseException) and not r.get("continuation_offer")
                        }  # fmt: skip
                    unacked_total += len(unacknowledged)
                    tag = "{" + thread + "}"
                    blobs = await raw.lrange(f"{prefix}turns:{tag}", 0, -1)
                    ids = await raw.scard(f"{prefix}turn_ids:{tag}")
                    users = [json.loads(b)["content"] for b in blobs if json.loads(b)["role"] == "user"]
                    seen = {m: sum(m in u for u in users) for m in markers}
                    ok = (
                        not failed
                        and len(blobs) == 2 + 2 * calls
                        and ids == len(blobs)
                        and set(seen.values()) == {1}
                    )
                    exact += ok
                    acknowledged = {
                            m for m, r in zip(markers, results, strict=True)
                            if not isinstance(r, BaseException) and r.get("continuation_offer")
                        }  # fmt: skip
                    lost += sum(1 for m in acknowledged if seen[m] == 0)
                    for error in failed:
                        reason = str(error).split(";")[0][:120]
                        failures[reason] = failures.get(reason, 0) + 1
                    duplicated += sum(1 for m in markers if seen[m] > 1)
                    if not ok and len(details) < 3:
                        details.append(
                            f"run {run}: {len(failed)} failed, {len(blobs)} turns, {ids} ids, "
                            f"counts {set(seen.values())}"
                        )
            except Exception as exc:  # the session itself broke (not a tool error)
                reason = f"session failed: {type(exc).__name__}"
                failures[reason] = failures.get(reason, 0) + 1
                details.append(f"run {run}: {reason}")
    finally:
        await raw.aclose()
        for process, _ in servers:
            process.terminate()
            process.wait(15)
        fake.stop()
    row(
        f"{calls} concurrent continuations of one thread over 2 server processes, {runs} runs",
        "every run: exactly 100 exchanges stored, none lost or duplicated (checked in Redis)",
        f"{exact}/{runs} runs exact; acknowledged turns lost {lost}, duplicated {duplicated}; "
        f"answered unstored (no offer) {unacked_total}; failed calls {sum(failures.values())}"
        + (f" {failures}" if failures else "")
        + (f"; {'; '.join(details)}" if details else ""),
        exact == runs,
    )


# --- 4. RSS soak -------------------------------------------------------------------------------
async def soak(seconds: float, warmup_s: float = 20.0, workers: int = 8) -> None:
    fake = FakeServer("openai", seed=6).start()
    logs = log_dir()
    process, base = start_server(server_env(fake, PREFIX + "soak:"), logs / "soak.log")
    samples: list[tuple[float, float]] = []
    calls = 0
    try:
        started = time.monotonic()
        deadline = started + seconds

        async def worker(client: Client, index: int) -> None:
            nonlocal calls
            thread: str | None = None
            turns = 0
            while time.monotonic() < deadline:
                doc = await chat_over_mcp(client, f"soak w{index} t{turns} " + "lorem " * 200, thread)
                calls += 1
                turns += 1
                thread = None if turns % 20 == 0 else doc["continuation_offer"]["continuation_id"]

        async def sampler() -> None:
            proc = psutil.Process(process.pid)
            while time.monotonic() < deadline:
                samples.append((time.monotonic() - started, proc.memory_info().rss / MB))
                await asyncio.sleep(5)

        async with mcp_client(base) as client:
            await asyncio.gather(sampler(), *(worker(client, i) for i in range(workers)))
    finally:
        process.terminate()
        process.wait(15)
        fake.stop()
    after_warmup = [rss for t, rss in samples if t >= warmup_s] or [rss for _, rss in samples]
    growth = after_warmup[-1] - after_warmup[0]
    row(
        f"server RSS over a {seconds:.0f}-s soak in distributed mode ({calls} calls, {workers} workers)",
        "growth < 10 MB after warm-up",
        f"{after_warmup[0]:.1f} MB -> {after_warmup[-1]:.1f} MB "
        f"(growth {growth:+.1f} MB, peak {max(after_warmup):.1f} MB)",
        growth < 10.0,
    )


async def cleanup() -> None:
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        async for key in client.scan_iter(match=f"{PREFIX}*", count=1000):
            await client.delete(key)
    finally:
        await client.aclose()


async def main_async(soak_s: float, runs: int, only: str | None) -> None:
    try:
        if only in (None, "overhead"):
            await store_overhead()
        if only in (None, "throughput"):
            await throughput_ratio()
        if only in (None, "continuations"):
            await concurrent_continuations(runs=runs)
        if only in (None, "soak") and soak_s > 0:
            await soak(soak_s)
    finally:
        await cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soak-s", type=float, default=300.0, help="soak length (0: skip)")
    parser.add_argument("--runs", type=int, default=20, help="runs of the 100-continuation check")
    parser.add_argument("--only", choices=("overhead", "throughput", "continuations", "soak"))
    args = parser.parse_args()
    started = time.monotonic()
    asyncio.run(main_async(args.soak_s, args.runs, args.only))
    print()
    for r in ROWS:
        print(f"{r.verdict} | {r.check} | target: {r.target} | {r.measured}")
    failed = sum(1 for r in ROWS if r.ok is False)
    print(f"\n{len(ROWS) - failed}/{len(ROWS)} rows pass; {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
