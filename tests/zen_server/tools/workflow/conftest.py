"""Fakes for the workflow tools: a recording model caller, a catalog, an in-memory thread store.

``Harness.call`` plays the executor's part for one tool call: run the tool, then record the
exchange and its state in the thread (creating the thread on the first call), and fill the
continuation_id placeholder the way the output renderer does.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.conversation.exchange import ConversationReader
from zen_server.conversation.types import Thread, Turn
from zen_server.errors import ThreadNotFoundError, UnknownModelError, ZenError
from zen_server.providers.types import ModelRequest, ModelResponse, TokenUsage
from zen_server.tools.base import Tool, ToolContext, ToolResult

KNOWN_MODELS = ("flash", "pro", "o3", "grok")


@dataclass
class FakeSpec:
    name: str
    context_window: int = 200_000


class FakeCatalog:
    def resolve(self, name: str) -> FakeSpec:
        if name.lower() not in KNOWN_MODELS:
            raise UnknownModelError(
                f"model '{name}' is not available; choose one of {', '.join(KNOWN_MODELS)}"
            )
        return FakeSpec(name.lower())

    def available(self) -> list[FakeSpec]:
        return [FakeSpec(n) for n in KNOWN_MODELS]


@dataclass
class FakeModels:
    """Answers deterministically: "<model> says: analysed <n> chars"; failures are scripted per model."""

    requests: list[ModelRequest] = field(default_factory=list)
    failures: dict[str, ZenError] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    reply: Callable[[ModelRequest], str] | None = None
    # Hold every call until this many are in flight at once (0: no rendezvous), so a test
    # proves calls overlap by waiting on that event, not by timing them.
    rendezvous: int = 0
    in_flight: int = 0
    peak_in_flight: int = 0
    _all_in: asyncio.Event = field(default_factory=asyncio.Event)

    async def generate(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(request)
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            if self.rendezvous:
                if self.in_flight >= self.rendezvous:
                    self._all_in.set()
                await self._all_in.wait()
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: ModelRequest) -> ModelResponse:
        if request.model in self.delays:
            await asyncio.sleep(self.delays[request.model])
        if request.model in self.failures:
            raise self.failures[request.model]
        text = (
            self.reply(request)
            if self.reply
            else f"{request.model} says: analysed {len(request.messages[-1].content)} chars"
        )
        return ModelResponse(text=text, provider="fake", model=request.model, usage=TokenUsage(10, 5))


class FakeConversation(ConversationReader):
    def __init__(self) -> None:
        self.threads: dict[str, Thread] = {}

    async def load(self, continuation_id: str) -> Thread:
        try:
            return self.threads[continuation_id]
        except KeyError:
            raise ThreadNotFoundError(
                f"continuation_id {continuation_id} is unknown or expired; start a new conversation"
            ) from None

    def seed(self, tool_name: str, turns: list[tuple[str, str]]) -> str:
        thread_id = str(uuid.uuid4())
        now = time.time()
        self.threads[thread_id] = Thread(
            thread_id=thread_id,
            tool_name=tool_name,
            created_at=now,
            last_updated_at=now,
            turns=tuple(
                Turn(
                    role="user" if i % 2 == 0 else "assistant",
                    content=text,
                    tool_name=tool,
                    timestamp=now,
                    turn_id=str(i),
                )
                for i, (tool, text) in enumerate(turns)
            ),
        )
        return thread_id

    def record(self, tool_name: str, result: ToolResult) -> str:
        exchange = result.exchange
        assert exchange is not None
        now = time.time()
        thread_id = result.continuation_id
        if thread_id is None:
            thread_id = str(uuid.uuid4())
            self.threads[thread_id] = Thread(
                thread_id=thread_id, tool_name=tool_name, created_at=now, last_updated_at=now
            )
        thread = self.threads[thread_id]
        turns = (
            Turn("user", exchange.user_content, tool_name, now, str(uuid.uuid4()), files=exchange.files),
            Turn("assistant", exchange.assistant_content, tool_name, now, str(uuid.uuid4())),
        )
        state = exchange.state if exchange.state is not None else thread.state
        self.threads[thread_id] = replace(thread, turns=(*thread.turns, *turns), state=state)
        return thread_id


@dataclass
class Harness:
    tool: Tool
    settings: Settings
    models: FakeModels
    conversation: FakeConversation

    def ctx(self) -> ToolContext:
        return ToolContext(
            settings=self.settings,
            models=self.models,
            catalog=FakeCatalog(),  # type: ignore[arg-type]
            conversation=self.conversation,
            request_id="req-1",
        )

    async def call(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        result = await self.tool.run(arguments, self.ctx())
        document: dict[str, Any] = json.loads(result.content)
        if result.exchange is not None:
            thread_id = self.conversation.record(self.tool.name, result)
            if document.get("continuation_id", 0) is None:
                document["continuation_id"] = thread_id
        return document


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def models() -> FakeModels:
    return FakeModels()


@pytest.fixture
def conversation() -> FakeConversation:
    return FakeConversation()


@pytest.fixture
def make_harness(
    settings: Settings, models: FakeModels, conversation: FakeConversation
) -> Callable[[Tool], Harness]:
    def make(tool: Tool) -> Harness:
        return Harness(tool=tool, settings=settings, models=models, conversation=conversation)

    return make


@pytest.fixture
def source_files(tmp_path: Path) -> dict[str, str]:
    """Two small source files with recognisable contents."""
    paths = {}
    for name, body in (
        ("cache.py", "def evict():\n    return 'EVICT_MARKER'\n"),
        ("store.py", "STORE_MARKER = 1\n"),
    ):
        path = tmp_path / name
        path.write_text(body)
        paths[name] = str(path)
    return paths
