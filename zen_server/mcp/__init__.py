"""The MCP adapter: the only package that imports the MCP SDK.

Public names: :func:`build_mcp_server` (handlers over an :class:`McpBackend`),
:func:`serve_stdio`, :func:`build_http_app` / :func:`serve_http` / :func:`check_bind`
(streamable HTTP at /mcp behind Origin, Host and bearer-token checks).
"""

from zen_server.mcp.backend import (
    McpBackend,
    PromptArgumentListing,
    PromptListing,
    PromptMessageText,
    PromptText,
    ToolListing,
)
from zen_server.mcp.handlers import SERVER_NAME, build_mcp_server
from zen_server.mcp.http import MCP_PATH, build_http_app, check_bind, serve_http
from zen_server.mcp.stdio import serve_stdio

__all__ = [
    "MCP_PATH",
    "SERVER_NAME",
    "McpBackend",
    "PromptArgumentListing",
    "PromptListing",
    "PromptMessageText",
    "PromptText",
    "ToolListing",
    "build_http_app",
    "build_mcp_server",
    "check_bind",
    "serve_http",
    "serve_stdio",
]
