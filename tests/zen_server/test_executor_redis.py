"""ToolExecutor over the Redis store: offers only stored turns, shares threads, degrades."""

from __future__ import annotations

import json
from typing import Any

import pytest
import redis.asyncio as aioredis

from tests.conftest import free_port
from tests.zen_server.test_executor import AskTool, CrashTool, FakeRegistry, ScriptedModels
from zen_server.config import load_settings
from zen_server.conversation.redis_store import RedisStore
from zen_server.conversation.service import ConversationService
from zen_server.executor import ToolExecutor
from zen_server.observability.events import RecordingObserver
from zen_server.providers.catalog import ModelCatalog
from zen_server.resilience.admission import AdmissionController
from zen_server.tools.base import ToolResult
from zen_server.tools.output import render_tool_output


class Instance:
    """One server's executor on a Redis store, as a separate process would have it."""

    def __init__(self, redis_url: str, prefix: str) -> None:
        self.settings = load_settings(
            distributed_mode=True, redis_url=redis_url, zen_redis_prefix=prefix, max_conversation_turns=10
        )
        observer = RecordingObserver()
        self.store = RedisStore.from_settings(self.settings, observer)
        self.conversation = ConversationService(self.store, self.settings, observer)
        self.executor = ToolExecutor(
            FakeRegistry(AskTool(), CrashTool()),
            self.conversation,
            ScriptedModels(),
            ModelCatalog.from_settings(self.settings),
            AdmissionController.from_settings(self.settings, observer),
            self.settings,
            observer,
            render=render_tool_output,
        )

    async def ask(self, prompt: str, continuation_id: str | None = None) -> dict[str, Any]:
        arguments: dict[str, Any] = {"prompt": prompt}
        if continuation_id:
            arguments["continuation_id"] = continuation_id
        result: ToolResult = await self.executor.call("ask", arguments, session_id="s", request_id="r")
        if result.status == "error":  # error results are plain text naming the problem
            return {"content": result.content, "is_error": True}
        envelope: dict[str, Any] = json.loads(result.content)
        return envelope


@pytest.mark.redis
async def test_an_offered_continuation_is_already_in_redis_and_another_instance_continues_it(
    redis_url: str, redis_prefix: str
) -> None:
    first, second = Instance(redis_url, redis_prefix), Instance(redis_url, redis_prefix)
    raw = aioredis.Redis.from_url(redis_url)
    try:
        await first.conversation.start()
        await second.conversation.start()
        opened = await first.ask("alpha")
        thread_id = opened["continuation_offer"]["continuation_id"]
        assert await raw.llen(f"{redis_prefix}turns:{{{thread_id}}}") == 2  # stored before the reply
        continued = await second.ask("beta", thread_id)
        assert continued["content"] == "answer to alpha | answer to alpha || beta"
        assert continued["continuation_offer"]["continuation_id"] == thread_id
        assert await raw.llen(f"{redis_prefix}turns:{{{thread_id}}}") == 4
    finally:
        await raw.aclose()
        await first.conversation.aclose()
        await second.conversation.aclose()


async def test_with_redis_down_a_new_chat_is_unstored_and_a_continuation_fails_naming_the_store() -> None:
    instance = Instance(f"redis://:pw@127.0.0.1:{free_port()}/0", "zen-test-dead:")
    try:
        fresh = await instance.ask("hello")
        assert fresh["content"] == "answer to hello"
        assert fresh["continuation_offer"] is None
        assert fresh["metadata"]["conversation_stored"] is False
        assert "conversation store" in fresh["metadata"]["conversation_store_error"]
        continued = await instance.ask("again", "6f1c2a4e-1a1b-4c7d-9e8f-0123456789ab")
        assert continued.get("is_error")
        assert "conversation store" in continued["content"]
        assert ":pw@" not in json.dumps(fresh) + json.dumps(continued)
    finally:
        await instance.conversation.aclose()
