"""One workflow step as the client sent it: parsed, type-checked, and refused with a useful message.

The MCP layer may already check types against the schema; this module does not rely on it,
because a workflow step that is half-valid would corrupt the run state kept in the thread.
Every refusal is a ToolInputError that names the field and says what to send instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zen_server.errors import PromptTooLargeError, ToolInputError
from zen_server.tools.validation import MCP_PROMPT_SIZE_LIMIT

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


def parse_step(arguments: Mapping[str, Any], rules: StepRules) -> StepInput:
    """Turn raw arguments into a StepInput or raise ToolInputError saying what to send."""
    tool = rules.tool_name
    step = _text(arguments, "step", tool, required=True) or ""
    if len(step) > STEP_TEXT_LIMIT:
        raise PromptTooLargeError(
            f"{tool}: 'step' is {len(step)} characters, over the {STEP_TEXT_LIMIT} limit; keep the step "
            "short and put the details in a file listed in relevant_files"
        )
    step_number = _positive_int(arguments, "step_number", tool)
    total_steps = _positive_int(arguments, "total_steps", tool)
    if step_number > total_steps:
        raise ToolInputError(
            f"{tool}: step_number {step_number} is beyond total_steps {total_steps}; send total_steps of at "
            f"least {step_number} (raise your estimate when the work needs more steps)"
        )
    next_step_required = _bool(arguments, "next_step_required", tool, default=None)
    findings = _text(arguments, "findings", tool, required=rules.requires_findings)
    if rules.requires_findings and not (findings or "").strip():
        raise ToolInputError(
            f"{tool}: 'findings' is required and must not be empty; send what this step established "
            "(evidence, conclusions, open questions)"
        )
    confidence = _text(arguments, "confidence", tool) or rules.default_confidence
    if confidence not in rules.confidence_levels:
        raise ToolInputError(
            f"{tool}: confidence {confidence!r} is not one of {', '.join(rules.confidence_levels)}"
        )
    thinking_mode = _text(arguments, "thinking_mode", tool)
    temperature = arguments.get("temperature")
    if temperature is not None and (
        isinstance(temperature, bool) or not isinstance(temperature, int | float) or not 0 <= temperature <= 1
    ):
        raise ToolInputError(f"{tool}: temperature must be a number between 0 and 1, got {temperature!r}")
    return StepInput(
        step=step,
        step_number=step_number,
        total_steps=total_steps,
        next_step_required=bool(next_step_required),
        findings=findings or "",
        files_checked=_strings(arguments, "files_checked", tool),
        relevant_files=_strings(arguments, "relevant_files", tool),
        relevant_context=_strings(arguments, "relevant_context", tool),
        issues_found=_issues(arguments, tool),
        confidence=confidence,
        hypothesis=_text(arguments, "hypothesis", tool) or None,
        use_assistant_model=bool(_bool(arguments, "use_assistant_model", tool, default=True)),
        continuation_id=_text(arguments, "continuation_id", tool) or None,
        model=_text(arguments, "model", tool) or None,
        temperature=float(temperature) if temperature is not None else None,
        thinking_mode=thinking_mode or None,
        images=_strings(arguments, "images", tool),
        extras={k: v for k, v in arguments.items() if k not in _STANDARD},
    )


def _text(arguments: Mapping[str, Any], name: str, tool: str, *, required: bool = False) -> str | None:
    value = arguments.get(name)
    if value is None:
        if required:
            raise ToolInputError(f"{tool}: '{name}' is required; send it as a string")
        return None
    if not isinstance(value, str):
        raise ToolInputError(f"{tool}: '{name}' must be a string, got {type(value).__name__}")
    return value


def _positive_int(arguments: Mapping[str, Any], name: str, tool: str) -> int:
    value = arguments.get(name)
    if value is None:
        raise ToolInputError(f"{tool}: '{name}' is required; send an integer of at least 1")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ToolInputError(f"{tool}: '{name}' must be an integer of at least 1, got {value!r}")
    return value


def _bool(arguments: Mapping[str, Any], name: str, tool: str, *, default: bool | None) -> bool | None:
    value = arguments.get(name)
    if value is None:
        if default is None:
            raise ToolInputError(f"{tool}: '{name}' is required; send true or false")
        return default
    if not isinstance(value, bool):
        raise ToolInputError(f"{tool}: '{name}' must be true or false, got {value!r}")
    return value


def _strings(arguments: Mapping[str, Any], name: str, tool: str) -> tuple[str, ...]:
    value = arguments.get(name)
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ToolInputError(f"{tool}: '{name}' must be an array of strings")
    items: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise ToolInputError(f"{tool}: '{name}' must be an array of strings, found {item!r}")
        if item.strip() and item not in items:
            items.append(item)
    return tuple(items)


def _issues(arguments: Mapping[str, Any], tool: str) -> tuple[dict[str, Any], ...]:
    value = arguments.get("issues_found")
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ToolInputError(
            f"{tool}: 'issues_found' must be an array of objects like "
            '{"severity": "high", "description": "..."}'
        )
    issues: list[dict[str, Any]] = []
    for item in value:
        if isinstance(item, str):
            # Lenient like the original: a bare string is an issue of unknown severity.
            issues.append({"severity": "unknown", "description": item})
        elif isinstance(item, Mapping):
            issues.append(dict(item))
        else:
            raise ToolInputError(f"{tool}: each entry of 'issues_found' must be an object, found {item!r}")
    return tuple(issues)


__all__ = ["STEP_TEXT_LIMIT", "StepInput", "StepRules", "parse_step"]
