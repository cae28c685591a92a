"""The Tool interface: validated arguments in, a ToolResult out.

Tools know nothing of transports, metrics, retries or storage. They read a thread through
``ctx.conversation``, client paths through ``ctx.files`` (the file-access policy) and ask
models through ``ctx.models``; the executor alone records the exchange the result carries,
the metrics and the audit line.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from zen_server.conversation.exchange import ConversationReader, ExchangeDraft
from zen_server.files import FileAccess, shared_pool

if TYPE_CHECKING:
    from zen_server.config import Settings
    from zen_server.providers.catalog import ModelCatalog
    from zen_server.providers.types import ModelCaller, ModelResponse

ProgressCallback = Callable[[float, float | None, str | None], Awaitable[None]]


@dataclass(slots=True)
class ToolResult:
    """What the client receives, as upstream's JSON envelope (status, content, metadata...)."""

    content: str
    status: str = "success"
    content_type: Literal["text", "markdown", "json"] = "text"
    metadata: dict[str, Any] = field(default_factory=dict)
    # The model answer behind the content, if any: provider/model/usage for audit and metrics.
    model_response: ModelResponse | None = None
    # The exchange to record; None for tools that keep no thread (version, listmodels).
    exchange: ExchangeDraft | None = None
    # The thread this call continued, if any (the executor appends to it, else creates one).
    continuation_id: str | None = None
    # JSON content normally replaces the envelope (the workflow tools' own documents); set
    # this to send it inside the envelope as a string, as upstream's jules does.
    json_in_envelope: bool = False


@dataclass(slots=True)
class ToolContext:
    settings: Settings
    models: ModelCaller
    catalog: ModelCatalog
    conversation: ConversationReader
    request_id: str
    progress: ProgressCallback | None = None
    # The server's file-access policy; built from ``settings`` when a caller gives none.
    file_access: FileAccess | None = None

    @property
    def files(self) -> FileAccess:
        """Every path a tool reads goes through this (``zen_server.files``)."""
        if self.file_access is None:
            self.file_access = FileAccess.from_settings(self.settings, shared_pool())
        return self.file_access

    async def report_progress(
        self, done: float, total: float | None = None, message: str | None = None
    ) -> None:
        if self.progress is not None:
            await self.progress(done, total, message)


class Tool(ABC):
    """One MCP tool. Subclasses live one per module under zen_server/tools/."""

    name: ClassVar[str]
    title: ClassVar[str] = ""
    description: ClassVar[str]
    # Whether the tool calls a model (listmodels and version do not).
    requires_model: ClassVar[bool] = True

    @abstractmethod
    def input_schema(self, catalog: ModelCatalog, settings: Settings) -> dict[str, Any]:
        """JSON Schema of the arguments, as upstream's tools/list shows them."""

    @abstractmethod
    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        """Do the work; raise a ZenError subclass with a message the client can act on."""

    def check_configuration(self, settings: Settings) -> None:
        """Raise ConfigurationError if the tool's own configuration cannot work (run at start).

        Most tools have none; clink reads its CLI client files here, so a broken file stops
        the server with the file's name instead of failing the first call.
        """
        return None
