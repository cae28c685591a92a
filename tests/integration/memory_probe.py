"""Memory probe, run as its own process so no other test's memory is counted.

    python tests/integration/memory_probe.py --threads 10000 --turn-kb 16 --memory-limit-mb 512

Writes ``--threads`` new conversations (one exchange each: a user turn and an answer of
``--turn-kb`` KiB apiece) through the same ConversationService.record_exchange and
BoundedMemoryStore that ``build_app`` wires (MEMORY_LIMIT_MB and ZEN_STORE_MEMORY_SHARE
set the byte budget), checking the store's byte count against the budget after every
write. Then the load ends: the TTL passes (the store's clock is moved on) and the TTL sweep
runs, as the background sweeper would. RSS is sampled before, at the peak and afterwards.
Prints one JSON object on stdout (see ``main``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import time

import psutil

from zen_server.config import Settings
from zen_server.conversation.exchange import ExchangeDraft
from zen_server.conversation.memory_store import BoundedMemoryStore
from zen_server.conversation.service import ConversationService
from zen_server.providers.types import ModelResponse, TokenUsage

MB = 1024 * 1024


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


def rss() -> int:
    return int(psutil.Process().memory_info().rss)


def settle_rss(seconds: float = 1.0) -> int:
    """RSS after a collection, the lowest of a few samples over ``seconds``."""
    gc.collect()
    samples = []
    deadline = time.monotonic() + seconds
    while True:
        samples.append(rss())
        if time.monotonic() >= deadline:
            return min(samples)
        time.sleep(0.1)


async def run(threads: int, turn_kb: int, memory_limit_mb: int, max_threads: int) -> dict[str, object]:
    settings = Settings(memory_limit_mb=memory_limit_mb, zen_store_max_threads=max_threads)
    clock = Clock()
    store = BoundedMemoryStore.from_settings(settings, clock=clock)
    service = ConversationService(store, settings)
    response = ModelResponse(text="", provider="custom", model="llama3.2", usage=TokenUsage(0, 0))
    chunk = "x" * 1023 + "\n"
    baseline = settle_rss(0.5)
    peak_rss = baseline
    max_bytes = 0
    over_budget_writes = 0
    started = time.monotonic()
    for i in range(threads):
        # Distinct strings, so nothing is shared between threads.
        user = f"user {i}\n" + chunk * turn_kb
        answer = f"answer {i}\n" + chunk * turn_kb
        await service.record_exchange(None, "chat", ExchangeDraft(user, answer), response)
        used = store.bytes_used
        max_bytes = max(max_bytes, used)
        if used > store.byte_budget:
            over_budget_writes += 1
        if i % 250 == 0:
            peak_rss = max(peak_rss, rss())
    load_s = time.monotonic() - started
    peak_rss = max(peak_rss, rss())
    stats = await store.stats()
    loaded_rss = settle_rss(0.3)
    # The load is over: let the conversations' TTL pass and run the sweep the sweeper runs.
    clock.offset += settings.conversation_timeout_hours * 3600.0 + 1.0
    expired = store.sweep_expired()
    after_rss = settle_rss(1.0)
    return {
        "threads_written": threads,
        "turn_bytes_each": 1024 * turn_kb,
        "offered_bytes": threads * 2 * 1024 * turn_kb,
        "byte_budget": store.byte_budget,
        "max_store_bytes": max_bytes,
        "over_budget_writes": over_budget_writes,
        "threads_kept": stats.threads,
        "evictions": stats.evictions,
        "expired_after_load": expired,
        "store_bytes_after": store.bytes_used,
        "load_s": round(load_s, 2),
        "rss_baseline": baseline,
        "rss_peak": peak_rss,
        "rss_loaded": loaded_rss,
        "rss_after": after_rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--turn-kb", type=int, default=16)
    parser.add_argument("--memory-limit-mb", type=int, default=512)
    parser.add_argument("--max-threads", type=int, default=10_000)
    args = parser.parse_args()
    result = asyncio.run(run(args.threads, args.turn_kb, args.memory_limit_mb, args.max_threads))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
