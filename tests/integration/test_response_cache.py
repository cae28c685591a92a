"""The response cache and single-flight through the real stack, against a real fake provider.

``build_app`` builds the server as the CLI does; calls go through the executor (a tool call
minus the transport) to the fake OpenAI-compatible provider on a real socket.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

from tests.integration.conftest import AppFactory, ChatCall, FakeFactory

OLD_NS = 1_600_000_000 * 1_000_000_000


def envelope(content: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(content)
    return document


async def test_an_identical_chat_is_answered_from_cache_and_still_gets_its_own_thread(
    fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall, tmp_path: Path
) -> None:
    fake = fakes()
    source = tmp_path / "module.py"
    source.write_text("ANSWER = 42\n")
    os.utime(source, ns=(OLD_NS, OLD_NS))
    async with zen_app(custom_api_url=fake.url, zen_response_cache="memory") as app:
        first = await chat_call(app, "explain", absolute_file_paths=[str(source)])
        second = await chat_call(app, "explain", absolute_file_paths=[str(source)])
        assert first.ok and second.ok
        assert fake.requests() == 1
        one, two = envelope(first.result.content), envelope(second.result.content)
        assert "served_from_cache" not in one["metadata"]
        assert two["metadata"]["served_from_cache"] is True
        assert two["content"] == one["content"]
        # The cached reply recorded its own exchange: a thread of its own, continuable.
        thread_one = one["continuation_offer"]["continuation_id"]
        thread_two = two["continuation_offer"]["continuation_id"]
        assert thread_one != thread_two
        assert len((await app.store.get(thread_two)).turns) == 2

        follow = await chat_call(app, "and then?", continuation_id=thread_two)
        assert follow.ok and fake.requests() == 2  # history differs: a miss, sent
        assert len((await app.store.get(thread_two)).turns) == 4

        source.write_text("ANSWER = 43\n")  # same size; the mtime is put back too
        os.utime(source, ns=(OLD_NS, OLD_NS))
        edited = await chat_call(app, "explain", absolute_file_paths=[str(source)])
        assert edited.ok and fake.requests() == 3
        assert "served_from_cache" not in envelope(edited.result.content)["metadata"]


async def test_a_hundred_identical_concurrent_chats_send_one_provider_request(
    fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall
) -> None:
    fake = fakes(latency_ms=1500)  # ample time for all hundred to join the first, even on a busy host
    async with zen_app(custom_api_url=fake.url) as app:  # response cache off: single-flight alone
        calls = await asyncio.gather(*(chat_call(app, "same question") for _ in range(100)))
        assert all(call.ok for call in calls)
        assert fake.requests() == 1
        assert app.models.flights is not None and app.models.flights.stats.joins == 99


async def test_a_failing_provider_call_is_shared_by_its_joiners_and_not_cached(
    fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall
) -> None:
    fake = fakes(latency_ms=200, faults=[{"kind": "error", "status": 400, "rate": 1.0}])
    async with zen_app(custom_api_url=fake.url, zen_response_cache="memory") as app:
        calls = await asyncio.gather(*(chat_call(app, "bad") for _ in range(10)))
        assert not any(call.ok for call in calls)
        assert fake.requests() == 1  # a permanent error: one attempt, shared, no retry storm
        fake.faults()
        again = await chat_call(app, "bad")
        assert again.ok and fake.requests() == 2
