"""The tool-call lifecycle: the one place a call is admitted, bounded, recorded and observed.

``ToolExecutor.call`` runs every tool call the same way, whatever the transport:

    look up the tool -> validate arguments -> admission slot (refused under memory pressure)
    -> deadline scope -> ``Tool.run`` -> record the exchange (only after the model answered)
    -> render the client text -> emit one ``ToolCallFinished`` event.

Failures never escape as exceptions: a ``ZenError`` becomes an error ``ToolResult`` whose
text is the error's own message (it says what to do), any other exception becomes a generic
error naming the request id (the traceback goes to the log), so the server keeps serving.
Only cancellation propagates, after its outcome is reported, so the transport can settle it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Any, Protocol

from zen_server.config import Settings
from zen_server.conversation.service import ConversationService, RecordedExchange
from zen_server.errors import AdmissionRejected, DeadlineExceeded, StoreUnavailableError, ZenError
from zen_server.files import FileAccess
from zen_server.observability.events import Observer, ToolCallFinished, ToolCallStarted, ToolOutcome
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.types import ModelCaller
from zen_server.resilience.deadline import deadline_scope
from zen_server.tools.base import ProgressCallback, Tool, ToolContext, ToolResult
from zen_server.tools.output import render_tool_output

logger = logging.getLogger(__name__)


class ToolDirectory(Protocol):
    """What the executor needs of the tool registry (tools/registry.py)."""

    def get(self, name: str) -> Tool:
        """The enabled tool; raises ToolInputError naming the available ones."""
        ...

    def validate(
        self, name: str, arguments: Any, catalog: ModelCatalog, settings: Settings
    ) -> dict[str, Any]:
        """Arguments checked against the schema and the prompt size limit; ToolInputError if not."""
        ...


class AdmissionGate(Protocol):
    def admit(self, *, tool: str, session_id: str | None) -> AbstractAsyncContextManager[object]: ...


# Turns a result into the client's text; tools/output.py renders upstream's JSON envelope.
OutputRenderer = Callable[[ToolResult, RecordedExchange | None], str]


@dataclass(frozen=True, slots=True)
class _CallFacts:
    """What the finished event says about a call besides how it ended."""

    tool: str
    request_id: str
    session_id: str | None
    digest: str
    started: float

    def finished(
        self, outcome: ToolOutcome, *, result: ToolResult | None = None, error: BaseException | None = None
    ) -> ToolCallFinished:
        response = result.model_response if result is not None else None
        return ToolCallFinished(
            request_id=self.request_id,
            session_id=self.session_id,
            tool=self.tool,
            outcome=outcome,
            duration_s=time.monotonic() - self.started,
            provider=response.provider if response is not None else None,
            model=response.model if response is not None else None,
            input_tokens=response.usage.input_tokens if response is not None else 0,
            output_tokens=response.usage.output_tokens if response is not None else 0,
            arguments_digest=self.digest,
            error_type=type(error).__name__ if error is not None else None,
            # Our own messages only: an unexpected exception's text may carry anything.
            error_message=str(error) if isinstance(error, ZenError) else None,
            continuation_id=result.continuation_id if result is not None else None,
            cached=response.cached if response is not None else False,
        )


def arguments_digest(arguments: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of ``arguments``: audit can correlate calls without seeing them."""
    canonical = json.dumps(arguments, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def outcome_of(error: BaseException) -> ToolOutcome:
    if isinstance(error, AdmissionRejected):
        return "rejected"
    if isinstance(error, DeadlineExceeded):
        return "deadline"
    return "error"


def error_result(error: BaseException, *, tool: str, request_id: str) -> ToolResult:
    """The isError result the client sees for a failed call."""
    if isinstance(error, ZenError):
        text = str(error) or type(error).__name__
        metadata: dict[str, Any] = {"error_type": type(error).__name__}
        if isinstance(error, AdmissionRejected):
            metadata["retry_after_s"] = error.retry_after
    else:
        # Internal details stay in the log; the request id lets an operator find them.
        text = (
            f"Internal error while running tool '{tool}' (request id {request_id}). "
            "The server logged the details and keeps serving; retry the call, and report "
            "the request id if it happens again."
        )
        metadata = {"error_type": "InternalError"}
    metadata["request_id"] = request_id
    return ToolResult(content=text, status="error", metadata=metadata)


class ToolExecutor:
    """Runs tool calls; owns admission, deadline, exchange recording and the finished event."""

    def __init__(
        self,
        registry: ToolDirectory,
        conversation_service: ConversationService,
        model_gateway: ModelCaller,
        catalog: ModelCatalog,
        admission: AdmissionGate,
        settings: Settings,
        observer: Observer,
        *,
        render: OutputRenderer = render_tool_output,
        files: FileAccess | None = None,
    ) -> None:
        self._registry = registry
        self._conversation = conversation_service
        self._models = model_gateway
        self._catalog = catalog
        self._admission = admission
        self._settings = settings
        self._observer = observer
        self._render = render
        self._files = files or FileAccess.from_settings(settings)

    async def call(
        self,
        name: str,
        arguments: Mapping[str, Any] | None,
        *,
        session_id: str | None,
        request_id: str,
        progress: ProgressCallback | None = None,
    ) -> ToolResult:
        """Run tool ``name``; always returns a result (isError on failure) unless cancelled."""
        args: Mapping[str, Any] = arguments or {}
        facts = _CallFacts(name, request_id, session_id, arguments_digest(args), time.monotonic())
        self._emit(ToolCallStarted(request_id=request_id, session_id=session_id, tool=name))
        try:
            result = await self._run(name, args, session_id, request_id, progress)
        except asyncio.CancelledError:
            self._emit(facts.finished("cancelled"))
            raise
        except ZenError as exc:
            self._emit(facts.finished(outcome_of(exc), error=exc))
            return error_result(exc, tool=name, request_id=request_id)
        except Exception as exc:
            logger.exception("tool %s crashed (request %s)", name, request_id)
            self._emit(facts.finished("error", error=exc))
            return error_result(exc, tool=name, request_id=request_id)
        self._emit(facts.finished("success", result=result))
        return result

    async def _run(
        self,
        name: str,
        arguments: Mapping[str, Any],
        session_id: str | None,
        request_id: str,
        progress: ProgressCallback | None,
    ) -> ToolResult:
        tool = self._registry.get(name)
        validated = self._registry.validate(name, arguments, self._catalog, self._settings)
        async with self._admission.admit(tool=tool.name, session_id=session_id):
            ctx = ToolContext(
                settings=self._settings,
                models=self._models,
                catalog=self._catalog,
                conversation=self._conversation,
                request_id=request_id,
                progress=progress,
                file_access=self._files,
            )
            async with deadline_scope(self._settings.deadline_for(tool.name), what=f"tool '{tool.name}'"):
                raw = await tool.run(validated, ctx)
            # Recorded only after the model answered, outside the deadline: an answer that
            # arrived in time is kept, and a failed call above never reaches this line.
            recorded = None
            if raw.exchange is not None:
                try:
                    recorded = await self._conversation.record_exchange(
                        raw.continuation_id, tool.name, raw.exchange, raw.model_response
                    )
                except StoreUnavailableError as exc:
                    # The answer is good; only storing it failed. Deliver it, say so, and
                    # offer no continuation_id: one is offered only for a turn that is stored.
                    raw = replace(
                        raw,
                        metadata={
                            **raw.metadata,
                            "conversation_stored": False,
                            "conversation_store_error": str(exc),
                        },
                    )
        # The client sees the rendered text; continuation_id names the thread actually written.
        thread_id = recorded.thread_id if recorded is not None else raw.continuation_id
        answered = raw.model_response
        if answered is not None and answered.deployment is not None:  # routed (ZEN_DEPLOYMENTS)
            routed = {"deployment_used": answered.deployment, "region_used": answered.region}
            raw = replace(raw, metadata={**raw.metadata, **routed})
        return replace(raw, content=self._render(raw, recorded), continuation_id=thread_id, exchange=None)

    def _emit(self, event: ToolCallStarted | ToolCallFinished) -> None:
        try:
            self._observer.emit(event)
        except Exception:  # observers must not raise; if one does, the call still succeeds
            logger.exception("observer failed on %s", type(event).__name__)


__all__ = [
    "AdmissionGate",
    "OutputRenderer",
    "ToolDirectory",
    "ToolExecutor",
    "arguments_digest",
    "error_result",
]
