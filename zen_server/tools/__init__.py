"""Tools: one module per tool, the registry that offers them, and the helpers they share.

Public names are re-exported here; modules behind them may change freely. Workflow tool
modules are not imported here (the registry discovers them), so importing this package
stays cheap and free of cycles.
"""

from zen_server.conversation.exchange import ConversationReader, ExchangeDraft
from zen_server.tools.base import Tool, ToolContext, ToolResult
from zen_server.tools.catalog_view import CatalogView, ModelInfo
from zen_server.tools.challenge import ChallengeTool
from zen_server.tools.chat import ChatTool
from zen_server.tools.files import EmbeddedFiles, embed_files
from zen_server.tools.listmodels import ListModelsTool
from zen_server.tools.output import envelope, render_tool_output
from zen_server.tools.prompts import PROMPTS, PromptSpec, find_prompt, render_prompt
from zen_server.tools.registry import (
    CORE_TOOL_CLASSES,
    ESSENTIAL_TOOLS,
    ToolRegistry,
    all_tool_classes,
    tool_listing,
)
from zen_server.tools.request_context import UserMessage, compose_user_message, select_model
from zen_server.tools.validation import MCP_PROMPT_SIZE_LIMIT, check_prompt_size, validate_arguments
from zen_server.tools.version import VersionTool

__all__ = [
    "CORE_TOOL_CLASSES",
    "ESSENTIAL_TOOLS",
    "MCP_PROMPT_SIZE_LIMIT",
    "PROMPTS",
    "CatalogView",
    "ChallengeTool",
    "ChatTool",
    "ConversationReader",
    "EmbeddedFiles",
    "ExchangeDraft",
    "ListModelsTool",
    "ModelInfo",
    "PromptSpec",
    "Tool",
    "ToolContext",
    "ToolRegistry",
    "ToolResult",
    "UserMessage",
    "VersionTool",
    "all_tool_classes",
    "check_prompt_size",
    "compose_user_message",
    "embed_files",
    "envelope",
    "find_prompt",
    "render_prompt",
    "render_tool_output",
    "select_model",
    "tool_listing",
    "validate_arguments",
]
