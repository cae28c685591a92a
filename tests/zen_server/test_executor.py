"""ToolExecutor: the lifecycle of one tool call, with real conversation and admission pieces."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

import pytest

from zen_server.config import Settings, load_settings
from zen_server.conversation.exchange import ExchangeDraft
from zen_server.conversation.memory_store import BoundedMemoryStore
from zen_server.conversation.service import ConversationService, RecordedExchange
from zen_server.errors import ToolInputError, TransientProviderError
from zen_server.executor import ToolExecutor, arguments_digest
from zen_server.observability.events import RecordingObserver, ToolCallFinished
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.types import ChatMessage, ModelRequest, ModelResponse, TokenUsage
from zen_server.resilience.admission import AdmissionController
from zen_server.tools.base import Tool, ToolContext, ToolResult
from zen_server.tools.validation import validate_arguments


class ScriptedModels:
    """A ModelCaller that answers with the prompt it got, or fails, or waits."""

    def __init__(self) -> None:
        self.requests: list[ModelRequest] = []
        self.fail: Exception | None = None
        self.delay_s = 0.0
        self.cancelled = asyncio.Event()

    async def generate(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(request)
        try:
            await asyncio.sleep(self.delay_s)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        if self.fail is not None:
            raise self.fail
        return ModelResponse(
            text=f"answer to {request.messages[-1].content}",
            provider="custom",
            model="llama3.2",
            usage=TokenUsage(input_tokens=11, output_tokens=7),
        )


class AskTool(Tool):
    name = "ask"
    description = "asks the model"

    def input_schema(self, catalog: ModelCatalog, settings: Settings) -> dict[str, Any]:
        return {"type": "object", "properties": {"prompt": {"type": "string"}}, "required": ["prompt"]}

    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        continuation = arguments.get("continuation_id")
        history = ""
        if continuation:
            thread = await ctx.conversation.load(continuation)
            history = " | ".join(t.content for t in thread.turns)
        await ctx.report_progress(1, 2, "asking")
        prompt = f"{history} || {arguments['prompt']}" if history else str(arguments["prompt"])
        message = ChatMessage(role="user", content=prompt)
        response = await ctx.models.generate(
            ModelRequest(model="auto", messages=(message,), tool_name=self.name)
        )
        return ToolResult(
            content=response.text,
            model_response=response,
            exchange=ExchangeDraft(user_content=str(arguments["prompt"]), assistant_content=response.text),
            continuation_id=continuation,
        )


class CrashTool(Tool):
    name = "crash"
    description = "raises something unexpected"
    requires_model = False

    def input_schema(self, catalog: ModelCatalog, settings: Settings) -> dict[str, Any]:
        return {"type": "object", "properties": {}}

    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        raise RuntimeError("secret internal detail")


class FakeRegistry:
    def __init__(self, *tools: Tool) -> None:
        self._tools = {t.name: t for t in tools}

    def get(self, name: str) -> Tool:
        if name not in self._tools:
            raise ToolInputError(f"unknown tool '{name}'")
        return self._tools[name]

    def validate(
        self, name: str, arguments: Any, catalog: ModelCatalog, settings: Settings
    ) -> dict[str, Any]:
        return validate_arguments(name, self.get(name).input_schema(catalog, settings), arguments)


def render(result: ToolResult, recorded: RecordedExchange | None) -> str:
    envelope: dict[str, Any] = {"status": result.status, "content": result.content}
    if recorded is not None:
        envelope["continuation_offer"] = {"continuation_id": recorded.thread_id}
    return json.dumps(envelope)


class Harness:
    def __init__(self, **overrides: object) -> None:
        self.settings = load_settings(**overrides)
        self.observer = RecordingObserver()
        self.store = BoundedMemoryStore.from_settings(self.settings, self.observer)
        self.conversation = ConversationService(self.store, self.settings, self.observer)
        self.models = ScriptedModels()
        self.admission = AdmissionController.from_settings(self.settings, self.observer)
        self.executor = ToolExecutor(
            FakeRegistry(AskTool(), CrashTool()),
            self.conversation,
            self.models,
            ModelCatalog.from_settings(self.settings),
            self.admission,
            self.settings,
            self.observer,
            render=render,
        )

    async def call(self, name: str, arguments: dict[str, Any] | None, **kw: Any) -> ToolResult:
        session_id = kw.pop("session_id", "s1")
        request_id = kw.pop("request_id", "r1")
        return await self.executor.call(name, arguments, session_id=session_id, request_id=request_id, **kw)

    def finished(self) -> list[ToolCallFinished]:
        return [e for e in self.observer.events if isinstance(e, ToolCallFinished)]


async def test_success_records_the_exchange_and_emits_usage_and_a_digest_not_the_arguments() -> None:
    h = Harness()
    result = await h.call("ask", {"prompt": "hello secret"})

    assert result.status == "success"
    envelope = json.loads(result.content)
    assert envelope["content"] == "answer to hello secret"
    thread_id = envelope["continuation_offer"]["continuation_id"]
    assert result.continuation_id == thread_id
    thread = await h.conversation.load(thread_id)
    assert [t.role for t in thread.turns] == ["user", "assistant"]

    (event,) = h.finished()
    assert event.outcome == "success"
    assert (event.provider, event.model) == ("custom", "llama3.2")
    assert (event.input_tokens, event.output_tokens) == (11, 7)
    assert event.arguments_digest == arguments_digest({"prompt": "hello secret"})
    assert "hello secret" not in repr(event)
    assert event.continuation_id == thread_id
    assert event.session_id == "s1"


async def test_continuation_sends_the_earlier_turns_to_the_model_and_appends_to_the_same_thread() -> None:
    h = Harness()
    first = await h.call("ask", {"prompt": "one"})
    thread_id = first.continuation_id
    assert thread_id is not None
    second = await h.call("ask", {"prompt": "two", "continuation_id": thread_id})

    assert second.continuation_id == thread_id
    assert "one" in h.models.requests[-1].messages[-1].content
    assert len((await h.conversation.load(thread_id)).turns) == 4


def test_digest_is_canonical_over_key_order() -> None:
    assert arguments_digest({"a": 1, "b": [1, 2]}) == arguments_digest({"b": [1, 2], "a": 1})
    assert arguments_digest({"a": 1}) != arguments_digest({"a": 2})


async def test_failing_provider_gives_an_error_result_and_records_nothing() -> None:
    h = Harness()
    h.models.fail = TransientProviderError("provider custom answered 503; retry later", provider="custom")

    result = await h.call("ask", {"prompt": "x"})

    assert result.status == "error"
    assert "503" in result.content
    assert (await h.store.stats()).threads == 0
    (event,) = h.finished()
    assert (event.outcome, event.error_type) == ("error", "TransientProviderError")


async def test_unknown_tool_and_missing_argument_name_the_problem() -> None:
    h = Harness()
    unknown = await h.call("nope", {})
    missing = await h.call("ask", {})

    assert unknown.status == "error" and "unknown tool 'nope'" in unknown.content
    assert missing.status == "error" and "'prompt'" in missing.content and "missing" in missing.content
    assert [e.outcome for e in h.finished()] == ["error", "error"]


async def test_unexpected_exception_becomes_a_generic_error_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    h = Harness()
    with caplog.at_level(logging.ERROR, logger="zen_server.executor"):
        result = await h.call("crash", {}, request_id="req-42")

    assert result.status == "error"
    assert "req-42" in result.content
    assert "secret internal detail" not in result.content
    assert any(r.exc_info for r in caplog.records), "the traceback must reach the log"
    # The executor keeps serving.
    assert (await h.call("ask", {"prompt": "still here"})).status == "success"


async def test_deadline_cancels_the_model_call_and_reports_deadline() -> None:
    h = Harness(zen_tool_deadline_s=0.05)
    h.models.delay_s = 5

    result = await h.call("ask", {"prompt": "slow"})

    assert result.status == "error"
    assert "deadline" in result.content
    assert h.models.cancelled.is_set()
    assert h.finished()[0].outcome == "deadline"
    assert (await h.store.stats()).threads == 0


async def test_full_server_rejects_with_retry_hint() -> None:
    h = Harness(max_concurrent_requests=1, max_queued_requests=0)
    h.models.delay_s = 0.2
    first = asyncio.create_task(h.call("ask", {"prompt": "a"}, session_id=None))
    await asyncio.sleep(0.02)
    rejected = await h.call("ask", {"prompt": "b"}, session_id=None)
    assert (await first).status == "success"

    assert rejected.status == "error"
    assert rejected.metadata["retry_after_s"] > 0
    assert sorted(e.outcome for e in h.finished()) == ["rejected", "success"]


async def test_cancellation_cancels_the_model_call_reports_cancelled_and_propagates() -> None:
    h = Harness()
    h.models.delay_s = 5
    task = asyncio.create_task(h.call("ask", {"prompt": "cancel me"}))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert h.models.cancelled.is_set()
    assert h.finished()[0].outcome == "cancelled"
    assert h.admission.in_flight == 0
    assert (await h.store.stats()).threads == 0


async def test_progress_reaches_the_callback() -> None:
    h = Harness()
    seen: list[tuple[float, float | None, str | None]] = []

    async def progress(done: float, total: float | None, message: str | None) -> None:
        seen.append((done, total, message))

    await h.call("ask", {"prompt": "p"}, progress=progress)
    assert seen == [(1, 2, "asking")]


async def test_a_failing_observer_never_fails_the_call() -> None:
    h = Harness()

    class Exploding:
        def emit(self, event: object) -> None:
            raise RuntimeError("observer down")

        def set_gauge(self, name: str, value: float, **labels: str) -> None:
            raise RuntimeError("observer down")

    h.executor._observer = Exploding()
    assert (await h.call("ask", {"prompt": "p"})).status == "success"
