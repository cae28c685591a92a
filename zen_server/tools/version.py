"""The version tool: server and compatibility versions, runtime, and provider setup; no model call.

Unlike the original it does not reach out to the internet to look for a newer release: a
hardened server makes no network calls a client did not ask for.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping
from typing import Any, ClassVar

from zen_server import UPSTREAM_COMPAT_VERSION, __version__
from zen_server.config import Settings
from zen_server.tools.base import Tool, ToolContext, ToolResult
from zen_server.tools.catalog_view import CatalogView
from zen_server.tools.listmodels import PROVIDERS


class VersionTool(Tool):
    name: ClassVar[str] = "version"
    title: ClassVar[str] = "Version"
    description: ClassVar[str] = (
        "Report this server's version, the Zen MCP Server release it is compatible with, the Python "
        "runtime, the model-selection mode and which providers are configured. No model is called."
    )
    requires_model: ClassVar[bool] = False

    def input_schema(self, catalog: CatalogView, settings: Settings) -> dict[str, Any]:
        return {"type": "object", "properties": {}, "required": [], "additionalProperties": False}

    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        settings = ctx.settings
        configured = sorted({p.lower() for p in ctx.catalog.configured_providers()})
        available = len(ctx.catalog.available())
        python = ".".join(str(part) for part in sys.version_info[:3])
        mode = "auto" if settings.auto_mode else "default"
        selection = (
            "auto mode: the agent picks a model per call"
            if settings.auto_mode
            else f"default model `{settings.default_model}`"
        )
        lines = [
            "# Zen MCP Server (hardened)",
            "",
            "## Server Information",
            f"**Version**: {__version__}",
            f"**Compatible with Zen MCP Server**: {UPSTREAM_COMPAT_VERSION}",
            f"**Python**: {python} on {platform.system()} {platform.release()}",
            f"**Model selection**: {selection}",
            "",
            "## Providers",
        ]
        for provider, (label, _) in PROVIDERS.items():
            state = "✅ configured" if provider in configured else "❌ not configured"
            lines.append(f"- **{label}**: {state}")
        lines += [
            "",
            f"**Available models**: {available if available >= 0 else 'unknown'}",
            "",
            "Run `listmodels` for every model, alias and capability.",
        ]
        metadata: dict[str, Any] = {
            "tool_name": self.name,
            "server_version": __version__,
            "upstream_compat_version": UPSTREAM_COMPAT_VERSION,
            "python_version": python,
            "platform": f"{platform.system()} {platform.release()}",
            "model_selection_mode": mode,
            "default_model": settings.default_model,
            "configured_providers": configured,
        }
        return ToolResult(content="\n".join(lines), metadata=metadata)


__all__ = ["VersionTool"]
