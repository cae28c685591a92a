"""validate_arguments checks each JSON type the tools' schemas use, with actionable refusals."""

from __future__ import annotations

from typing import Any

import pytest

from zen_server.errors import ToolInputError
from zen_server.tools.validation import validate_arguments

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "flag": {"type": "boolean"},
        "paths": {"type": "array", "items": {"type": "string"}},
        "options": {"type": "object"},
        "maybe": {"type": ["string", "null"]},
        "anything": {"description": "no declared type"},
        "custom": {"type": "uuid"},
        "ratio": {"type": "number", "minimum": 0, "maximum": 1},
    },
}


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"flag": 1}, "argument 'flag' must be true or false, got int"),
        ({"paths": "a.py"}, "argument 'paths' must be an array, got str"),
        ({"paths": ["a.py", 2]}, "argument 'paths[1]' must be a string, got int"),
        ({"options": ["x"]}, "argument 'options' must be an object, got list"),
        ({"maybe": 3}, "argument 'maybe' must be a string or null, got int"),
        ({"ratio": True}, "argument 'ratio' must be a number, got bool"),
        ({"ratio": 2}, "argument 'ratio' must be between 0 and 1, got 2"),
    ],
)
def test_wrong_json_type_is_refused_naming_the_field_and_the_type_wanted(
    arguments: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ToolInputError, match=r"^demo: ") as caught:
        validate_arguments("demo", SCHEMA, arguments)
    assert expected in str(caught.value)


def test_values_of_the_declared_types_pass_and_come_back_as_a_plain_dict() -> None:
    arguments = {
        "flag": False,
        "paths": ("a.py", "b.py"),
        "options": {"k": 1},
        "maybe": "x",
        "anything": [1, {"a": 2}],
        "custom": 12,  # a type this checker does not know is not refused
        "ratio": 0.25,
        "extra": "ignored, as upstream clients send extras",
    }
    result = validate_arguments("demo", SCHEMA, arguments)
    assert result == arguments
    assert type(result) is dict


def test_absent_arguments_count_as_an_empty_object() -> None:
    assert validate_arguments("demo", SCHEMA, None) == {}
    with pytest.raises(ToolInputError, match="missing required argument"):
        validate_arguments("demo", {**SCHEMA, "required": ["flag"]}, None)
