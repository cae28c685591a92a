"""The running application seen through :class:`McpBackend`: registry, executor and prompts.

Adapts :class:`zen_server.server.ZenApp` to the handlers' narrow interface, so the
handlers stay testable with a fake and the composition root stays free of MCP concerns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from zen_server.errors import ToolInputError
from zen_server.mcp.backend import (
    PromptArgumentListing,
    PromptListing,
    PromptMessageText,
    PromptText,
    ToolListing,
)
from zen_server.tools.base import ProgressCallback, ToolResult
from zen_server.tools.prompts import find_prompt, prompts_for, render_prompt
from zen_server.tools.registry import tool_listing

if TYPE_CHECKING:
    from zen_server.server import ZenApp


# Optional prompt arguments, offered when the prompt's template uses them.
PROMPT_ARGUMENTS = {
    "model": "Model to use (default: auto)",
    "thinking_mode": "Thinking depth: minimal, low, medium, high or max",
}


class ZenAppBackend:
    def __init__(self, app: ZenApp) -> None:
        self._app = app

    def list_tools(self) -> Sequence[ToolListing]:
        app = self._app
        return [
            ToolListing(
                name=str(entry["name"]),
                title=str(entry["title"]) if entry.get("title") else None,
                description=str(entry["description"]),
                input_schema=entry["inputSchema"],
            )
            for entry in tool_listing(app.registry, app.catalog, app.settings)
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
        return await self._app.executor.call(
            name, arguments, session_id=session_id, request_id=request_id, progress=progress
        )

    def list_prompts(self) -> Sequence[PromptListing]:
        return [
            PromptListing(
                name=spec.name,
                description=spec.description,
                arguments=[
                    PromptArgumentListing(name=field, description=PROMPT_ARGUMENTS[field])
                    for field in PROMPT_ARGUMENTS
                    if "{" + field + "}" in spec.template
                ],
            )
            for spec in prompts_for(self._app.registry.names())
        ]

    def get_prompt(self, name: str, arguments: Mapping[str, str] | None) -> PromptText:
        try:
            spec = find_prompt(name, self._app.registry.names())
        except KeyError as exc:
            raise ToolInputError(str(exc.args[0]) if exc.args else f"unknown prompt {name!r}") from exc
        text = render_prompt(spec, arguments)
        return PromptText(messages=[PromptMessageText(role="user", text=text)], description=spec.description)
