"""Pieces of tool input schemas shared by several tools (model, temperature, continuation).

Names, JSON types and enums follow the original server's tools/list exactly (see
compat/upstream-tools.json); the descriptions are our own.
"""

from __future__ import annotations

from typing import Any

from zen_server.config import Settings
from zen_server.tools.catalog_view import CatalogView

THINKING_MODES = ("minimal", "low", "medium", "high", "max")
# Listing every model in the description helps an agent choose, but keeps tools/list small.
_MAX_MODELS_IN_DESCRIPTION = 40


def model_field(catalog: CatalogView, settings: Settings) -> dict[str, Any]:
    """The ``model`` property: in auto mode the agent must choose, so the choices are listed."""
    if not settings.auto_mode:
        return {
            "type": "string",
            "description": (
                f"Model to ask. Leave it out to use the server default ({settings.default_model}); "
                "run listmodels for every name and alias."
            ),
        }
    # The catalog is in memory: listing it fails only through a bug, which must show.
    models = sorted(catalog.available(), key=lambda m: (-m.intelligence_score, m.name))
    shown = [
        f"'{m.name}'" + (f" (aliases: {', '.join(sorted(m.aliases))})" if m.aliases else "")
        for m in models[:_MAX_MODELS_IN_DESCRIPTION]
    ]
    choices = "; ".join(shown) if shown else "none configured: set a provider API key"
    return {
        "type": "string",
        "description": (
            "Model to ask (required: the server runs in auto mode). Pick the one that best fits the task. "
            f"Available: {choices}. Run listmodels for context windows and capabilities."
        ),
    }


def temperature_field() -> dict[str, Any]:
    return {
        "type": "number",
        "description": "Sampling temperature from 0 (focused, repeatable) to 1 (varied, creative).",
        "minimum": 0,
        "maximum": 1,
    }


def thinking_mode_field() -> dict[str, Any]:
    return {
        "type": "string",
        "enum": list(THINKING_MODES),
        "description": "Reasoning effort for models that can think before answering; ignored by others.",
    }


def continuation_field() -> dict[str, Any]:
    return {
        "type": "string",
        "description": (
            "Id of an earlier conversation (from a previous response's continuation_offer) to continue. "
            "Works across tools: the model sees the earlier turns and files. Omit to start a new one."
        ),
    }


def string_array_field(description: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "description": description}


__all__ = [
    "THINKING_MODES",
    "continuation_field",
    "model_field",
    "string_array_field",
    "temperature_field",
    "thinking_mode_field",
]
