"""Issue 5, conversations: no partial exchanges, clear expiry errors, bounded memory.

The memory check runs ``memory_probe.py`` in its own process, so RSS is that process's
alone (other tests' memory does not count), and reports the figures it measured.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.conftest import AppFactory, ChatCall, FakeFactory

PROBE = Path(__file__).with_name("memory_probe.py")
MB = 1024 * 1024

DEAD = {
    "500": {"kind": "error", "status": 500, "rate": 1.0},
    "drop": {"kind": "drop", "rate": 1.0},
    "hang": {"kind": "hang", "at": "start", "rate": 1.0},
}


@pytest.mark.parametrize("fault", sorted(DEAD))
async def test_a_dead_provider_never_records_a_partial_exchange(
    fault: str, fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall
) -> None:
    fake = fakes()
    async with zen_app(custom_api_url=fake.url, zen_tool_deadline_s=1.5) as app:
        first = await chat_call(app, "remember 42")
        assert first.ok, first.result.content
        thread_id = first.result.continuation_id
        assert thread_id is not None
        assert len((await app.store.get(thread_id)).turns) == 2

        fake.faults(DEAD[fault])
        failed = await chat_call(app, "what number?", continuation_id=thread_id)
        assert not failed.ok
        assert len((await app.store.get(thread_id)).turns) == 2, "a failed continuation left turns behind"

        fake.faults()
        again = await chat_call(app, "what number?", continuation_id=thread_id)
        assert again.ok, again.result.content
        turns = (await app.store.get(thread_id)).turns
        assert [t.role for t in turns] == ["user", "assistant", "user", "assistant"]
        assert [t.content for t in turns if t.role == "user"] == ["remember 42", "what number?"]


async def test_continuing_an_evicted_thread_says_it_expired(
    fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall
) -> None:
    fake = fakes()
    async with zen_app(custom_api_url=fake.url, zen_store_max_threads=2) as app:
        oldest = await chat_call(app, "first conversation")
        for i in range(2):  # two newer threads push the oldest out (LRU)
            assert (await chat_call(app, f"newer {i}")).ok
        requests_before = fake.requests()
        late = await chat_call(app, "still there?", continuation_id=oldest.result.continuation_id)
        stats = await app.store.stats()

    assert late.error_type == "ThreadExpiredError", late.result.content
    assert "expired or was evicted" in late.result.content
    assert "start a new conversation without continuation_id" in late.result.content
    assert fake.requests() == requests_before, "an expired thread must fail before calling the model"
    assert stats.threads == 2 and stats.evictions == 1


async def test_chat_calls_with_large_answers_keep_the_store_within_its_byte_budget(
    fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall
) -> None:
    """The full path (executor -> chat -> fake -> record_exchange) obeys the byte budget."""
    fake = fakes(reply_padding_words=20_000)  # ~150 KB answers
    async with zen_app(custom_api_url=fake.url, memory_limit_mb=2048, zen_store_memory_share=0.003) as app:
        budget = app.settings.store_byte_budget  # about 6 MiB
        used: list[int] = []
        for i in range(80):
            call = await chat_call(app, f"large {i}")
            assert call.ok, call.result.content
            used.append(app.store.bytes_used)  # type: ignore[attr-defined]
        stats = await app.store.stats()

    assert max(used) <= budget, f"store reached {max(used):,} bytes, budget {budget:,}"
    assert stats.evictions > 0 and stats.threads < 80


@pytest.mark.slow
def test_10000_large_threads_stay_within_budget_and_rss_returns_to_baseline() -> None:
    run = subprocess.run(
        [sys.executable, str(PROBE), "--threads", "10000", "--turn-kb", "16", "--memory-limit-mb", "512"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    r = json.loads(run.stdout)
    print(
        "memory probe: "
        + ", ".join(f"{k}={v / MB:.1f} MiB" if k.startswith("rss") else f"{k}={v}" for k, v in r.items())
    )
    assert r["threads_written"] == 10_000
    assert r["offered_bytes"] > 2 * r["byte_budget"], "the load must overflow the budget to test it"
    assert r["over_budget_writes"] == 0 and r["max_store_bytes"] <= r["byte_budget"]
    assert r["evictions"] > 0
    growth = r["rss_peak"] - r["rss_baseline"]
    # The accounting tracks real memory: RSS grew by about the budget, not by what was offered.
    assert growth < 1.5 * r["byte_budget"], (
        f"RSS grew {growth / MB:.0f} MiB for a {r['byte_budget'] / MB:.0f} MiB budget"
    )
    # Once the threads are gone, RSS comes back near the baseline (within 10% of the peak growth
    # or 16 MiB, whichever is larger: allocator slack).
    residue = r["rss_after"] - r["rss_baseline"]
    assert residue <= max(16 * MB, 0.1 * growth), f"RSS stayed {residue / MB:.1f} MiB above baseline"
    assert r["store_bytes_after"] == 0
