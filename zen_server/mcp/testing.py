"""Test doubles for the MCP layer: a tiny in-memory backend with two tools and one prompt.

Lets the handlers and transports be exercised (here and by other packages' tests) without
the real tools, models or conversation store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zen_server.errors import ToolInputError
from zen_server.mcp.backend import (
    PromptArgumentListing,
    PromptListing,
    PromptMessageText,
    PromptText,
    ToolListing,
)
from zen_server.tools.base import ProgressCallback, ToolResult

ECHO_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "text": {"type": "string"},
        "mode": {"type": "string", "enum": ["plain", "loud"]},
        "count": {"type": "integer"},
    },
    "required": ["text"],
    "additionalProperties": False,
}


@dataclass
class Call:
    name: str
    arguments: Mapping[str, Any] | None
    session_id: str | None
    request_id: str


@dataclass
class FakeBackend:
    calls: list[Call] = field(default_factory=list)
    cancelled: asyncio.Event = field(default_factory=asyncio.Event)
    started: asyncio.Event = field(default_factory=asyncio.Event)

    def list_tools(self) -> Sequence[ToolListing]:
        return [
            ToolListing(name="echo", description="Echo text back.", input_schema=ECHO_SCHEMA, title="Echo"),
            ToolListing(name="wait", description="Waits until cancelled.", input_schema={"type": "object"}),
        ]

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None,
        *,
        session_id: str | None,
        request_id: str,
        progress: ProgressCallback | None,
    ) -> ToolResult:
        self.calls.append(Call(name, arguments, session_id, request_id))
        args = dict(arguments or {})
        if name == "echo":
            if progress is not None:
                await progress(1, 2, "halfway")
                await progress(2, 2, "done")
            text = str(args.get("text", ""))
            return ToolResult(content=text.upper() if args.get("mode") == "loud" else text)
        if name == "wait":
            self.started.set()
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                self.cancelled.set()
                raise
            return ToolResult(content="finished")
        return ToolResult(content=f"unknown tool '{name}'", status="error")

    def list_prompts(self) -> Sequence[PromptListing]:
        return [PromptListing(name="echo", description="Use echo", arguments=[PromptArgumentListing("text")])]

    def get_prompt(self, name: str, arguments: Mapping[str, str] | None) -> PromptText:
        if name != "echo":
            raise ToolInputError(f"unknown prompt '{name}'")
        return PromptText(
            messages=[PromptMessageText(role="user", text="Use the echo tool")], description="d"
        )
