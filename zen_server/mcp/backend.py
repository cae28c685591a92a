"""What the MCP layer needs from the application, as plain data and one protocol.

The handlers in :mod:`zen_server.mcp.handlers` speak MCP; everything they ask of the
server goes through :class:`McpBackend`, so they can be exercised with a tiny fake
backend and the application never sees an SDK type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from zen_server.tools.base import ProgressCallback, ToolResult


@dataclass(frozen=True, slots=True)
class ToolListing:
    """One entry of tools/list; ``input_schema`` is sent exactly as given."""

    name: str
    description: str
    input_schema: Mapping[str, Any]
    title: str | None = None


@dataclass(frozen=True, slots=True)
class PromptArgumentListing:
    name: str
    description: str | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class PromptListing:
    name: str
    description: str | None = None
    arguments: Sequence[PromptArgumentListing] = ()


@dataclass(frozen=True, slots=True)
class PromptMessageText:
    role: Literal["user", "assistant"]
    text: str


@dataclass(frozen=True, slots=True)
class PromptText:
    """The answer to prompts/get."""

    messages: Sequence[PromptMessageText]
    description: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


class McpBackend(Protocol):
    """The server as the MCP layer sees it."""

    def list_tools(self) -> Sequence[ToolListing]: ...

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None,
        *,
        session_id: str | None,
        request_id: str,
        progress: ProgressCallback | None,
    ) -> ToolResult:
        """Run a tool; failures come back as a result with status "error", never raised."""
        ...

    def list_prompts(self) -> Sequence[PromptListing]: ...

    def get_prompt(self, name: str, arguments: Mapping[str, str] | None) -> PromptText:
        """Raises ToolInputError for an unknown prompt."""
        ...
