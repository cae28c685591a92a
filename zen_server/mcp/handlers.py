"""The MCP request handlers: tools/list, tools/call, prompts/list, prompts/get.

Built on the SDK's low-level ``Server`` so tools/list sends each tool's own JSON schema
unchanged (upstream clients key on parameter names, types, required lists and enums).
Progress requested by the client (a ``progressToken``) is bridged to the tool's
``ToolContext.progress``; a ``notifications/cancelled`` cancels the handler's task, which
cancels the tool and the provider request beneath it.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from zen_server import __version__
from zen_server.errors import ZenError
from zen_server.mcp.backend import McpBackend
from zen_server.tools.base import ProgressCallback, ToolResult

logger = logging.getLogger(__name__)

# Clients (and the original server's users) key on this name; keep it.
SERVER_NAME = "zen"
SESSION_HEADER = "mcp-session-id"

Ctx = ServerRequestContext[Any, Any]


def session_id_of(ctx: Ctx) -> str | None:
    """The streamable-HTTP session id; None on stdio, where the process is the session."""
    request = ctx.request
    headers = getattr(request, "headers", None)
    if headers is None:
        return None
    value = headers.get(SESSION_HEADER)
    return str(value) if value else None


def progress_bridge(ctx: Ctx) -> ProgressCallback:
    """Forward tool progress as notifications/progress; a lost notification never fails the call.

    Always installed: the SDK drops it when the client sent no progress token (where the
    token travels differs between protocol eras, so the SDK is the one to ask).
    """

    async def report(done: float, total: float | None, message: str | None) -> None:
        try:
            await ctx.session.report_progress(done, total, message)
        except Exception:  # the client may have gone; progress is best effort
            logger.debug("progress notification dropped", exc_info=True)

    return report


def to_call_result(result: ToolResult) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=result.content)],
        is_error=result.status == "error",
    )


def build_mcp_server(backend: McpBackend, *, instructions: str | None = None) -> Server[Any]:
    """The low-level SDK server wired to ``backend``."""

    async def list_tools(ctx: Ctx, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[
                types.Tool(
                    name=t.name,
                    title=t.title or None,
                    description=t.description,
                    input_schema=dict(t.input_schema),
                )
                for t in backend.list_tools()
            ]
        )

    async def call_tool(ctx: Ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        # Our own id: JSON-RPC ids repeat across sessions, audit lines must not.
        request_id = uuid.uuid4().hex
        result = await backend.call_tool(
            params.name,
            params.arguments,
            session_id=session_id_of(ctx),
            request_id=request_id,
            progress=progress_bridge(ctx),
        )
        return to_call_result(result)

    async def list_prompts(ctx: Ctx, params: types.PaginatedRequestParams | None) -> types.ListPromptsResult:
        return types.ListPromptsResult(
            prompts=[
                types.Prompt(
                    name=p.name,
                    description=p.description,
                    arguments=[
                        types.PromptArgument(name=a.name, description=a.description, required=a.required)
                        for a in p.arguments
                    ],
                )
                for p in backend.list_prompts()
            ]
        )

    async def get_prompt(ctx: Ctx, params: types.GetPromptRequestParams) -> types.GetPromptResult:
        try:
            prompt = backend.get_prompt(params.name, params.arguments)
        except ZenError as exc:
            # An unknown prompt is a protocol-level error (there is no isError for prompts).
            raise MCPError(code=types.INVALID_PARAMS, message=str(exc)) from exc
        return types.GetPromptResult(
            description=prompt.description,
            messages=[
                types.PromptMessage(role=m.role, content=types.TextContent(type="text", text=m.text))
                for m in prompt.messages
            ],
        )

    return Server(
        SERVER_NAME,
        version=__version__,
        instructions=instructions,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_prompts=list_prompts,
        on_get_prompt=get_prompt,
    )
