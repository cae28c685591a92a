"""ConversationService: new threads, continuation across tools, limits, and clear errors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from zen_server.conversation.exchange import ExchangeDraft
from zen_server.conversation.memory_store import BoundedMemoryStore
from zen_server.conversation.service import ConversationService
from zen_server.errors import ThreadExpiredError, ThreadNotFoundError, ThreadTurnLimitError
from zen_server.providers.types import ModelResponse

ANSWER = ModelResponse(text="answer", provider="openai", model="gpt-5")


async def test_first_exchange_creates_a_uuid_thread_with_both_turns(service: ConversationService) -> None:
    recorded = await service.record_exchange(
        None, "chat", ExchangeDraft("question", "answer", files=("/a.py",)), ANSWER
    )
    assert str(uuid.UUID(recorded.thread_id)) == recorded.thread_id
    assert (recorded.turn_count, recorded.remaining_turns) == (2, 4)
    thread = await service.load(recorded.thread_id)
    user, assistant = thread.turns
    assert (user.role, user.content, user.files) == ("user", "question", ("/a.py",))
    assert (assistant.role, assistant.content, assistant.provider, assistant.model) == (
        "assistant",
        "answer",
        "openai",
        "gpt-5",
    )
    assert thread.tool_name == "chat"


async def test_continuation_from_another_tool_appends_to_the_same_thread(
    service: ConversationService,
) -> None:
    first = await service.record_exchange(None, "analyze", ExchangeDraft("look", "found"), ANSWER)
    second = await service.record_exchange(first.thread_id, "chat", ExchangeDraft("and?", "more"), ANSWER)
    assert second.thread_id == first.thread_id
    assert (second.turn_count, second.remaining_turns) == (4, 2)
    thread = await service.load(first.thread_id)
    assert [t.tool_name for t in thread.turns] == ["analyze", "analyze", "chat", "chat"]
    assert thread.tool_name == "analyze"


async def test_full_thread_raises_turn_limit_and_stays_unchanged(service: ConversationService) -> None:
    recorded = await service.record_exchange(None, "chat", ExchangeDraft("1", "1"), ANSWER)
    for _ in range(2):
        recorded = await service.record_exchange(recorded.thread_id, "chat", ExchangeDraft("n", "n"), ANSWER)
    assert recorded.remaining_turns == 0
    with pytest.raises(ThreadTurnLimitError, match="start a new conversation"):
        await service.record_exchange(recorded.thread_id, "chat", ExchangeDraft("x", "x"), ANSWER)
    assert len((await service.load(recorded.thread_id)).turns) == 6


async def test_malformed_continuation_id_is_not_found_with_guidance(service: ConversationService) -> None:
    with pytest.raises(ThreadNotFoundError, match="without continuation_id"):
        await service.load("not-a-uuid")


async def test_evicted_thread_reports_expired(
    service: ConversationService, store: BoundedMemoryStore
) -> None:
    recorded = await service.record_exchange(None, "chat", ExchangeDraft("q", "a"), ANSWER)
    store.shed(1.0)
    with pytest.raises(
        ThreadExpiredError, match=f"continuation_id {recorded.thread_id} expired or was evicted"
    ):
        await service.load(recorded.thread_id)
    with pytest.raises(ThreadExpiredError):
        await service.record_exchange(recorded.thread_id, "chat", ExchangeDraft("q", "a"), ANSWER)


async def test_exchange_without_model_response_records_no_model(service: ConversationService) -> None:
    recorded = await service.record_exchange(
        None, "planner", ExchangeDraft("step", "ok", state={"step": 1}), None
    )
    thread = await service.load(recorded.thread_id)
    assert thread.turns[1].model is None and thread.state == {"step": 1}


async def test_start_runs_the_store_sweeper(settings: Any, clock: Any) -> None:
    store = BoundedMemoryStore(
        max_threads=10, byte_budget=1_000_000, ttl_s=5, clock=clock, sweep_interval_s=0.01
    )
    service = ConversationService(store, settings)
    await service.start()
    recorded = await service.record_exchange(None, "chat", ExchangeDraft("q", "a"), ANSWER)
    clock.advance(6)
    import asyncio

    for _ in range(100):
        await asyncio.sleep(0.01)
        if store.thread_count == 0:
            break
    assert store.thread_count == 0
    with pytest.raises(ThreadExpiredError):
        await service.load(recorded.thread_id)
    await service.aclose()
