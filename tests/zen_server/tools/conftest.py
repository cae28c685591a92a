"""Fixtures for tool tests: a tiny fake catalog, a recording model caller, and an executor stand-in."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from zen_server.config import Settings
from zen_server.conversation.memory_store import BoundedMemoryStore
from zen_server.conversation.service import ConversationService, RecordedExchange
from zen_server.errors import UnknownModelError
from zen_server.providers.types import ModelRequest, ModelResponse
from zen_server.tools.base import Tool, ToolContext, ToolResult
from zen_server.tools.output import render_tool_output
from zen_server.tools.validation import checked_arguments


@dataclass(frozen=True)
class FakeSpec:
    name: str
    provider: str
    aliases: tuple[str, ...] = ()
    context_window: int = 200_000
    max_output_tokens: int = 8_000
    supports_images: bool = False
    supports_thinking: bool = False
    supports_temperature: bool = True
    intelligence_score: int = 10
    description: str = ""


@dataclass
class FakeCatalog:
    specs: list[FakeSpec]
    configured: set[str]
    blocked: set[str] = field(default_factory=set)

    def all_models(self) -> list[FakeSpec]:
        return list(self.specs)

    def available(self) -> list[FakeSpec]:
        return [s for s in self.specs if s.provider in self.configured and s.name not in self.blocked]

    def configured_providers(self) -> list[str]:
        return sorted(self.configured)

    def resolve(self, name: str) -> FakeSpec:
        for spec in self.available():
            if name.lower() in {spec.name.lower(), *(a.lower() for a in spec.aliases)}:
                return spec
        raise UnknownModelError(
            f"model {name!r} is not available; available: {[s.name for s in self.available()]}"
        )

    def pick_auto(self, tool_name: str) -> FakeSpec:
        return max(self.available(), key=lambda s: s.intelligence_score)


class FakeModels:
    """A ModelCaller that records each request and answers with a fixed text."""

    def __init__(self) -> None:
        self.requests: list[ModelRequest] = []
        self.reply = "model says hi"

    async def generate(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(request)
        return ModelResponse(text=self.reply, provider="openai" if "gpt" in request.model else "gemini",
                             model=request.model)  # fmt: skip

    def last_user_text(self) -> str:
        return self.requests[-1].messages[-1].content


@pytest.fixture
def catalog() -> FakeCatalog:
    return FakeCatalog(
        specs=[
            FakeSpec("gpt-5", "openai", ("gpt5",), 400_000, supports_images=True, supports_thinking=True,
                     supports_temperature=False, intelligence_score=16, description="flagship"),
            FakeSpec("gemini-2.5-flash", "gemini", ("flash",), 1_000_000, supports_temperature=True,
                     intelligence_score=10, description="fast"),
            FakeSpec("tiny", "gemini", (), 2_000, intelligence_score=1),
            FakeSpec("grok-4", "xai", ("grok",), 256_000, intelligence_score=15),
        ],
        configured={"openai", "gemini"},
    )  # fmt: skip


@pytest.fixture
def models() -> FakeModels:
    return FakeModels()


@pytest.fixture
def settings() -> Settings:
    return Settings(default_model="auto", max_conversation_turns=10)


@pytest.fixture
def service(settings: Settings) -> ConversationService:
    store = BoundedMemoryStore(max_threads=100, byte_budget=50_000_000, ttl_s=3600)
    return ConversationService(store, settings)


@pytest.fixture
def context(
    settings: Settings, models: FakeModels, catalog: FakeCatalog, service: ConversationService
) -> Callable[..., ToolContext]:
    def build(**overrides: Any) -> ToolContext:
        values: dict[str, Any] = {
            "settings": settings, "models": models, "catalog": catalog, "conversation": service,
            "request_id": uuid.uuid4().hex,
        }  # fmt: skip
        values.update(overrides)
        return ToolContext(**values)

    return build


CallTool = Callable[..., Awaitable[tuple[ToolResult, RecordedExchange | None, dict[str, Any]]]]


@pytest.fixture
def call_tool(context: Callable[..., ToolContext], service: ConversationService) -> CallTool:
    """What the executor does: run, record the exchange, render the envelope."""

    async def call(tool: Tool, arguments: Mapping[str, Any], **ctx_overrides: Any) -> Any:
        ctx = context(**ctx_overrides)
        checked = checked_arguments(tool, arguments, ctx.catalog, ctx.settings)
        result = await tool.run(checked, ctx)
        recorded = None
        if result.exchange is not None:
            recorded = await ctx.conversation.record_exchange(  # type: ignore[attr-defined]
                result.continuation_id, tool.name, result.exchange, result.model_response
            )
        return result, recorded, json.loads(render_tool_output(result, recorded))

    return call


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "app.py").write_text("def main():\n    return 42\n")
    (root / "pkg" / "util.py").write_text("X = 1\n")
    (root / "README.md").write_text("# readme\n")
    return root
