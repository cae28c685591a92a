"""Checking tool arguments against the tool's JSON schema, with messages a client can act on.

Only the schema features our tools use are checked: required properties, JSON types
(including array item types), enums, and numeric minimum/maximum. Unknown properties are
ignored rather than refused, as clients of the original server sometimes send extras.
Also here: the MCP prompt size limit, above which a prompt must travel as a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from zen_server.errors import PromptTooLargeError, ToolInputError

if TYPE_CHECKING:
    from zen_server.config import Settings
    from zen_server.providers.catalog import ModelCatalog
    from zen_server.tools.base import Tool

# The original server's limit on user input crossing the MCP transport, in characters.
MCP_PROMPT_SIZE_LIMIT = 60_000

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "an array",
    "object": "an object",
    "null": "null",
}


def _is_type(value: Any, json_type: str) -> bool:
    # bool is an int subclass in Python but never a JSON number.
    if json_type == "string":
        return isinstance(value, str)
    if json_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if json_type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if json_type == "boolean":
        return isinstance(value, bool)
    if json_type == "array":
        return isinstance(value, list | tuple)
    if json_type == "object":
        return isinstance(value, Mapping)
    if json_type == "null":
        return value is None
    return True


def _types_of(spec: Mapping[str, Any]) -> list[str]:
    declared = spec.get("type")
    if declared is None:
        return []
    return [declared] if isinstance(declared, str) else list(declared)


def _check_value(tool: str, field: str, value: Any, spec: Mapping[str, Any]) -> None:
    types = _types_of(spec)
    if types and not any(_is_type(value, t) for t in types):
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
        raise ToolInputError(f"{tool}: argument '{field}' must be {wanted}, got {type(value).__name__}")
    enum = spec.get("enum")
    if enum is not None and value not in enum:
        options = ", ".join(repr(o) for o in enum)
        raise ToolInputError(f"{tool}: argument '{field}' must be one of {options}, got {value!r}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = spec.get("minimum"), spec.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ToolInputError(f"{tool}: argument '{field}' must be {_bounds(low, high)}, got {value}")
    items = spec.get("items")
    if isinstance(value, list | tuple) and isinstance(items, Mapping):
        for index, item in enumerate(value):
            _check_value(tool, f"{field}[{index}]", item, items)


def _bounds(low: float | None, high: float | None) -> str:
    if low is None:
        return f"at most {high}"
    if high is None:
        return f"at least {low}"
    return f"between {low} and {high}"


def validate_arguments(tool: str, schema: Mapping[str, Any], arguments: Any) -> dict[str, Any]:
    """Check ``arguments`` against ``schema``; return them as a plain dict.

    Raises ToolInputError naming the field and what to send. ``None`` for an optional
    field counts as absent, as pydantic-based upstream tools treat it.
    """
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, Mapping):
        raise ToolInputError(f"{tool}: arguments must be a JSON object, got {type(arguments).__name__}")
    properties: Mapping[str, Any] = schema.get("properties", {})
    missing = [name for name in schema.get("required", []) if arguments.get(name) is None]
    if missing:
        described = ", ".join(
            f"'{name}' ({_TYPE_NAMES.get(str(properties.get(name, {}).get('type')), 'a value')})"
            for name in missing
        )
        raise ToolInputError(f"{tool}: missing required argument(s) {described}; send them and call again")
    for name, value in arguments.items():
        spec = properties.get(name)
        if spec is not None and value is not None:
            _check_value(tool, name, value, spec)
    return dict(arguments)


def check_prompt_size(text: str, *, field: str = "prompt", limit: int = MCP_PROMPT_SIZE_LIMIT) -> None:
    """Refuse user input over the MCP transport limit, telling the client to send it as a file."""
    if text and len(text) > limit:
        raise PromptTooLargeError(
            f"The {field} is {len(text):,} characters, over the MCP limit of {limit:,}. Save the text "
            "unchanged to a file named 'prompt.txt', then call again passing its absolute path in "
            "absolute_file_paths (with any other files) and leave the prompt empty or very short."
        )


def checked_arguments(
    tool: Tool, arguments: Any, catalog: ModelCatalog, settings: Settings
) -> dict[str, Any]:
    """The one validation of a call's arguments: the tool's schema, then the MCP prompt limit.

    Tools receive what this returns and do not check it again.
    """
    checked = validate_arguments(tool.name, tool.input_schema(catalog, settings), arguments)
    prompt = checked.get("prompt")
    if isinstance(prompt, str):
        check_prompt_size(prompt)
    return checked


__all__ = ["MCP_PROMPT_SIZE_LIMIT", "check_prompt_size", "checked_arguments", "validate_arguments"]
