"""The listmodels tool: every provider and model the server knows, without calling a model.

For each provider: whether it is configured (and which variable to set if not), any
allow-list restriction in force, and its models with context window, description and
aliases. Models blocked by a restriction are shown as such, so the agent knows why a name
it expected is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from zen_server.config import Settings
from zen_server.provider_table import LISTING_ORDER, provider_entry
from zen_server.tools.base import Tool, ToolContext, ToolResult
from zen_server.tools.catalog_view import CatalogView, ModelInfo

# Display name and the variable(s) that enable each provider, in the order shown.
PROVIDERS: dict[str, tuple[str, str]] = {
    entry.name: (entry.label, entry.how_to_enable) for entry in map(provider_entry, LISTING_ORDER)
}


def format_context(tokens: int) -> str:
    """``1M context``, ``1.5M context``, ``200K context``: one decimal at most, as a person writes it."""
    if tokens >= 1_000_000:
        millions = f"{tokens / 1_000_000:.1f}".removesuffix(".0")
        return f"{millions}M context"
    if tokens >= 1_000:
        return f"{tokens // 1_000}K context"
    return f"{tokens} context" if tokens > 0 else "unknown context"


def _model_lines(model: ModelInfo, *, allowed: bool, detailed: bool) -> list[str]:
    aliases = f" (aliases: {', '.join(sorted(model.aliases))})" if model.aliases else ""
    blocked = "" if allowed else " - *blocked by restriction*"
    lines = [f"- `{model.name}`{aliases} - {format_context(model.context_window)}{blocked}"]
    if detailed and model.description:
        lines.append(f"  - {model.description}")
    return lines


def render_catalog(catalog: CatalogView, settings: Settings) -> tuple[str, dict[str, Any]]:
    """The markdown listing and its metadata summary."""
    configured = {p.lower() for p in catalog.configured_providers()}
    available = {(m.provider, m.name) for m in catalog.available()}
    by_provider: dict[str, list[ModelInfo]] = {}
    for model in catalog.all_models():
        by_provider.setdefault(model.provider, []).append(model)
    order = [*PROVIDERS, *sorted(set(by_provider) - set(PROVIDERS))]

    lines = ["# Available AI Models", ""]
    for provider in order:
        label, variable = PROVIDERS.get(provider, (provider, f"the {provider} credentials"))
        is_on = provider in configured
        models: Sequence[ModelInfo] = sorted(
            by_provider.get(provider, []), key=lambda m: (-m.intelligence_score, m.name)
        )
        lines.append(f"## {label} {'✅' if is_on else '❌'}")
        if is_on:
            lines.append("**Status**: configured")
            restriction = settings.allowed_models_for(provider)
            if restriction is not None:
                lines.append(f"**Restricted to**: {', '.join(sorted(restriction))}")
        else:
            lines.append(f"**Status**: not configured (set {variable})")
        if provider == "custom" and settings.custom_api_url:
            lines.append(f"**Endpoint**: {settings.custom_api_url}")
        if models:
            lines.append("")
            lines.append("**Models**:")
            for model in models:
                allowed = not is_on or (provider, model.name) in available
                lines += _model_lines(model, allowed=allowed, detailed=is_on)
        lines.append("")

    selection = "auto (the agent chooses per call)" if settings.auto_mode else settings.default_model
    lines += [
        "## Summary",
        f"**Configured providers**: {len(configured)}",
        f"**Available models**: {len(available)}",
        f"**Model selection**: {selection}",
        "",
        "Use a model's name or any of its aliases in the `model` argument of any tool.",
    ]
    metadata: dict[str, Any] = {
        "configured_providers": len(configured),
        "available_models": len(available),
        "providers": {p: p in configured for p in order},
    }
    return "\n".join(lines), metadata


class ListModelsTool(Tool):
    name: ClassVar[str] = "listmodels"
    title: ClassVar[str] = "List models"
    description: ClassVar[str] = (
        "Show every model provider and model this server knows: which are configured, their aliases, "
        "context windows and capabilities, and any restriction in force. No model is called."
    )
    requires_model: ClassVar[bool] = False

    def input_schema(self, catalog: CatalogView, settings: Settings) -> dict[str, Any]:
        return {"type": "object", "properties": {}, "required": [], "additionalProperties": False}

    async def run(self, arguments: Mapping[str, Any], ctx: ToolContext) -> ToolResult:
        content, metadata = render_catalog(ctx.catalog, ctx.settings)
        return ToolResult(content=content, metadata={"tool_name": self.name, **metadata})


__all__ = ["PROVIDERS", "ListModelsTool", "format_context", "render_catalog"]
