"""One workflow step as the client sent it: checked against the step schema, then parsed.

Types, ranges, enums and required fields are checked by the one argument validator
(``tools.validation``) against the one definition of the step fields
(``workflow.schema.STEP_FIELDS`` and ``COMMON_FIELDS``), including the legacy fields a tool
no longer lists, because a half-valid step would corrupt the run state kept in the thread.
What a schema cannot say is checked here: the step's length, step_number within
total_steps, findings that are not blank. Every refusal is a ToolInputError naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from zen_server.errors import PromptTooLargeError, ToolInputError
from zen_server.tools.validation import MCP_PROMPT_SIZE_LIMIT, validate_arguments
from zen_server.tools.workflow.schema import COMMON_FIELDS, STANDARD_REQUIRED, STEP_FIELDS

# The original server refuses step text longer than its MCP prompt limit; so do we.
STEP_TEXT_LIMIT = MCP_PROMPT_SIZE_LIMIT


@dataclass(frozen=True, slots=True)
class StepRules:
    """What a tool accepts in a step: which confidence levels, whether findings are required."""

    tool_name: str
    confidence_levels: tuple[str, ...]
    requires_findings: bool = True
    default_confidence: str = "low"


@dataclass(frozen=True, slots=True)
class StepInput:
    step: str
    step_number: int
    total_steps: int
    next_step_required: bool
    findings: str
    files_checked: tuple[str, ...] = ()
    relevant_files: tuple[str, ...] = ()
    relevant_context: tuple[str, ...] = ()
    issues_found: tuple[dict[str, Any], ...] = ()
    confidence: str = "low"
    hypothesis: str | None = None
    use_assistant_model: bool = True
    continuation_id: str | None = None
    model: str | None = None
    temperature: float | None = None
    thinking_mode: str | None = None
    images: tuple[str, ...] = ()
    # The tool's own arguments (review_type, path, models...), untouched.
    extras: Mapping[str, Any] = field(default_factory=dict)


_STANDARD = frozenset(
    {
        "step",
        "step_number",
        "total_steps",
        "next_step_required",
        "findings",
        "files_checked",
        "relevant_files",
        "relevant_context",
        "issues_found",
        "confidence",
        "hypothesis",
        "use_assistant_model",
        "continuation_id",
        "model",
        "temperature",
        "thinking_mode",
        "images",
    }
)


def step_schema(rules: StepRules) -> dict[str, Any]:
    """Every standard step field (listed or legacy) as the shared schema defines it, for ``rules``."""
    fields = (*STEP_FIELDS.items(), *COMMON_FIELDS.items())
    properties: dict[str, Any] = {name: dict(spec) for name, spec in fields}
    properties["confidence"]["enum"] = list(rules.confidence_levels)
    properties["model"] = {"type": "string"}
    # Lenient like the original: a bare string in issues_found is an issue of unknown severity.
    properties["issues_found"]["items"] = {"type": ["object", "string"]}
    required = [name for name in STANDARD_REQUIRED if rules.requires_findings or name != "findings"]
    return {"type": "object", "properties": properties, "required": required}


def parse_step(arguments: Mapping[str, Any], rules: StepRules) -> StepInput:
    """Turn raw arguments into a StepInput or raise ToolInputError saying what to send."""
    tool = rules.tool_name
    checked = validate_arguments(tool, step_schema(rules), arguments)
    step: str = checked["step"]
    if len(step) > STEP_TEXT_LIMIT:
        raise PromptTooLargeError(
            f"{tool}: 'step' is {len(step)} characters, over the {STEP_TEXT_LIMIT} limit; keep the step "
            "short and put the details in a file listed in relevant_files"
        )
    step_number: int = checked["step_number"]
    total_steps: int = checked["total_steps"]
    if step_number > total_steps:
        raise ToolInputError(
            f"{tool}: step_number {step_number} is beyond total_steps {total_steps}; send total_steps of at "
            f"least {step_number} (raise your estimate when the work needs more steps)"
        )
    findings: str = checked.get("findings") or ""
    if rules.requires_findings and not findings.strip():
        raise ToolInputError(
            f"{tool}: 'findings' is required and must not be empty; send what this step established "
            "(evidence, conclusions, open questions)"
        )
    temperature = checked.get("temperature")
    use_assistant_model = checked.get("use_assistant_model")
    return StepInput(
        step=step,
        step_number=step_number,
        total_steps=total_steps,
        next_step_required=checked["next_step_required"],
        findings=findings,
        files_checked=_distinct(checked.get("files_checked")),
        relevant_files=_distinct(checked.get("relevant_files")),
        relevant_context=_distinct(checked.get("relevant_context")),
        issues_found=_issues(checked.get("issues_found")),
        confidence=checked.get("confidence") or rules.default_confidence,
        hypothesis=checked.get("hypothesis") or None,
        use_assistant_model=True if use_assistant_model is None else use_assistant_model,
        continuation_id=checked.get("continuation_id") or None,
        model=checked.get("model") or None,
        temperature=float(temperature) if temperature is not None else None,
        thinking_mode=checked.get("thinking_mode") or None,
        images=_distinct(checked.get("images")),
        extras={k: v for k, v in checked.items() if k not in _STANDARD},
    )


def _distinct(values: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Non-blank entries, each once, in the order first sent."""
    return tuple(dict.fromkeys(item for item in values or () if item.strip()))


def _issues(values: list[Any] | tuple[Any, ...] | None) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"severity": "unknown", "description": item} if isinstance(item, str) else dict(item)
        for item in values or ()
    )


__all__ = ["STEP_TEXT_LIMIT", "StepInput", "StepRules", "parse_step", "step_schema"]
