"""JSON Schemas of the workflow tools: the shared step fields and the builder that joins them.

Every workflow tool's ``tools/list`` entry is the shared step fields, the common model fields
and the tool's own fields, minus the shared fields the tool does not use. The names, JSON
types, required lists and enums match the original server's interface
(``compat/pal-11.8.2-tools.json``, PAL MCP Server 11.8.2); the descriptions are ours. Fields
only the older 9.4.1 interface listed are left out of the listing by each tool's
``legacy_fields`` but still read by :func:`~zen_server.tools.workflow.step.parse_step`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from zen_server.tools.schema import THINKING_MODES, temperature_field, thinking_mode_field

if TYPE_CHECKING:
    from zen_server.providers.catalog import ModelCatalog

CONFIDENCE_LEVELS: tuple[str, ...] = (
    "exploring",
    "low",
    "medium",
    "high",
    "very_high",
    "almost_certain",
    "certain",
)
SEVERITY_FILTERS: tuple[str, ...] = ("critical", "high", "medium", "low", "all")

FieldSchemas = dict[str, dict[str, Any]]


def severity_filter_field() -> dict[str, Any]:
    """``severity_filter`` as codereview, precommit and secaudit share it (a fresh dict each)."""
    return {
        "type": "string",
        "enum": list(SEVERITY_FILTERS),
        "default": "all",
        "description": "Lowest severity worth reporting.",
    }


def focus_on_field() -> dict[str, Any]:
    """``focus_on`` as codereview and precommit share it."""
    return {"type": "string", "description": "Specific concerns to prioritise."}


def _strings(description: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "description": description}


STEP_FIELDS: FieldSchemas = {
    "step": {
        "type": "string",
        "description": "What you are doing in this step: the plan for step 1, then what you examined "
        "and why. Keep it short; put long material in files and list them in relevant_files.",
    },
    "step_number": {
        "type": "integer",
        "minimum": 1,
        "description": "Index of this step, starting at 1. Never larger than total_steps.",
    },
    "total_steps": {
        "type": "integer",
        "minimum": 1,
        "description": "Your current estimate of how many steps the whole run needs; raise it when "
        "the work turns out larger.",
    },
    "next_step_required": {
        "type": "boolean",
        "description": "True while more steps follow; false on the last step, which triggers the "
        "final analysis.",
    },
    "findings": {
        "type": "string",
        "description": "What this step established: evidence, conclusions, open questions. Each step's "
        "findings are kept and sent together to the expert model at the end.",
    },
    "files_checked": _strings("Absolute paths of every file you looked at in this step, relevant or not."),
    "relevant_files": _strings(
        "Absolute paths of the files that matter for the result; their contents are sent to the "
        "expert model once, at the end."
    ),
    "relevant_context": _strings(
        "Functions, methods or classes central to the findings (e.g. 'Cache.evict')."
    ),
    "issues_found": {
        "type": "array",
        "items": {"type": "object"},
        "description": "Problems found so far, each an object with 'severity' "
        "(critical|high|medium|low) and 'description'.",
    },
    "confidence": {
        "type": "string",
        "enum": list(CONFIDENCE_LEVELS),
        "description": "How sure you are of the findings. 'certain' finishes without consulting the "
        "expert model; use it only when nothing is left to verify.",
    },
    "hypothesis": {
        "type": "string",
        "description": "Your current theory, revised as evidence arrives.",
    },
    "use_assistant_model": {
        "type": "boolean",
        "default": True,
        "description": "Set false to finish on your own findings without the expert model's analysis.",
    },
}

COMMON_FIELDS: FieldSchemas = {
    "temperature": temperature_field(),
    "thinking_mode": thinking_mode_field(),
    "continuation_id": {
        "type": "string",
        "description": "The continuation_id returned by the previous step; required from step 2 on. "
        "On step 1 it joins an existing conversation so its history informs the analysis.",
    },
    "images": _strings("Absolute image paths or data: URLs that add visual context."),
}

STANDARD_REQUIRED: tuple[str, ...] = ("step", "step_number", "total_steps", "next_step_required", "findings")


def model_field(catalog: ModelCatalog | None) -> dict[str, Any]:
    """The ``model`` property: a free string, described with the models configured now."""
    description = "Model for the expert analysis, or 'auto' to let the server choose."
    names = _available_model_names(catalog)
    if names:
        description += " Available: " + ", ".join(names) + ". The listmodels tool shows details."
    return {"type": "string", "description": description}


def _available_model_names(catalog: ModelCatalog | None) -> list[str]:
    if catalog is None:
        return []
    return sorted(spec.name for spec in catalog.available())  # in memory: fails only through a bug


def build_workflow_schema(
    *,
    extra_fields: Mapping[str, dict[str, Any]] | None = None,
    extra_required: Iterable[str] = (),
    excluded: Iterable[str] = (),
    catalog: ModelCatalog | None = None,
    with_model: bool = True,
    model_required: bool = True,
    confidence_levels: tuple[str, ...] = CONFIDENCE_LEVELS,
) -> dict[str, Any]:
    """Shared step fields + common fields + model + the tool's own, minus ``excluded``.

    ``model_required=False`` lists ``model`` without requiring it (planner and tracer, which
    consult no model, in 11.8.2).
    """
    dropped = set(excluded)
    properties: dict[str, Any] = {}
    for name, schema in (*STEP_FIELDS.items(), *COMMON_FIELDS.items()):
        if name not in dropped:
            properties[name] = dict(schema)
    if "confidence" in properties:
        properties["confidence"]["enum"] = list(confidence_levels)
        properties["confidence"]["description"] = (
            f"How sure you are of the findings. '{confidence_levels[-1]}' finishes without consulting "
            "the expert model; use it only when nothing is left to verify."
        )
    if with_model:
        properties["model"] = model_field(catalog)
    for name, schema in (extra_fields or {}).items():
        properties[name] = dict(schema)
    required = [name for name in STANDARD_REQUIRED if name not in dropped]
    required.extend(name for name in extra_required if name not in required)
    if with_model and model_required:
        # Upstream requires model of every tool that consults one (in auto mode).
        required.append("model")
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


__all__ = [
    "COMMON_FIELDS",
    "CONFIDENCE_LEVELS",
    "SEVERITY_FILTERS",
    "STANDARD_REQUIRED",
    "STEP_FIELDS",
    "THINKING_MODES",
    "FieldSchemas",
    "build_workflow_schema",
    "focus_on_field",
    "model_field",
    "severity_filter_field",
]
