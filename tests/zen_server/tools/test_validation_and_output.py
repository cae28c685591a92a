"""Argument validation messages, the prompt size limit, and the ToolOutput envelope."""

from __future__ import annotations

import json
from typing import Any

import pytest

from zen_server.conversation.service import RecordedExchange
from zen_server.errors import PromptTooLargeError, ToolInputError
from zen_server.tools.base import ToolResult
from zen_server.tools.output import render_tool_output
from zen_server.tools.validation import MCP_PROMPT_SIZE_LIMIT, check_prompt_size, validate_arguments

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "prompt": {"type": "string"},
        "step_number": {"type": "integer"},
        "temperature": {"type": "number", "minimum": 0, "maximum": 1},
        "thinking_mode": {"type": "string", "enum": ["low", "high"]},
        "absolute_file_paths": {"type": "array", "items": {"type": "string"}},
        "done": {"type": "boolean"},
    },
    "required": ["prompt", "step_number"],
}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"step_number": 1}, "missing required argument\\(s\\) 'prompt' \\(a string\\)"),
        ({"prompt": None, "step_number": 1}, "'prompt'"),
        ({"prompt": 3, "step_number": 1}, "'prompt' must be a string, got int"),
        ({"prompt": "p", "step_number": True}, "'step_number' must be an integer, got bool"),
        ({"prompt": "p", "step_number": 1.5}, "'step_number' must be an integer"),
        ({"prompt": "p", "step_number": 1, "temperature": 2}, "between 0 and 1"),
        ({"prompt": "p", "step_number": 1, "thinking_mode": "max"}, "one of 'low', 'high'"),
        ({"prompt": "p", "step_number": 1, "absolute_file_paths": ["/a", 3]}, "absolute_file_paths\\[1\\]"),
        ({"prompt": "p", "step_number": 1, "done": "yes"}, "'done' must be true or false"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_invalid_arguments_name_the_field_and_what_to_send(arguments: Any, message: str) -> None:
    with pytest.raises(ToolInputError, match=message) as info:
        validate_arguments("demo", SCHEMA, arguments)
    assert str(info.value).startswith("demo")


def test_valid_arguments_pass_and_unknown_ones_are_tolerated() -> None:
    checked = validate_arguments(
        "demo", SCHEMA, {"prompt": "p", "step_number": 2, "extra": 1, "temperature": 0}
    )
    assert checked["step_number"] == 2


def test_prompt_size_limit_is_the_original_60000_characters() -> None:
    check_prompt_size("x" * MCP_PROMPT_SIZE_LIMIT)
    with pytest.raises(PromptTooLargeError, match="absolute_file_paths"):
        check_prompt_size("x" * (MCP_PROMPT_SIZE_LIMIT + 1))
    assert MCP_PROMPT_SIZE_LIMIT == 60_000


def test_envelope_without_thread_is_plain_success() -> None:
    out = json.loads(render_tool_output(ToolResult(content="v1", metadata={"tool_name": "version"}), None))
    assert out == {
        "status": "success",
        "content": "v1",
        "content_type": "text",
        "metadata": {"tool_name": "version"},
        "continuation_offer": None,
    }


def test_envelope_offers_continuation_with_remaining_turns() -> None:
    recorded = RecordedExchange("tid", turn_count=4, remaining_turns=16)
    out = json.loads(render_tool_output(ToolResult(content="answer"), recorded))
    assert out["status"] == "continuation_available"
    assert out["continuation_offer"]["continuation_id"] == "tid"
    assert out["continuation_offer"]["remaining_turns"] == 16
    assert "16 more turns" in out["continuation_offer"]["note"]


def test_full_thread_gets_no_offer() -> None:
    out = json.loads(render_tool_output(ToolResult(content="a"), RecordedExchange("tid", 20, 0)))
    assert out["status"] == "success" and out["continuation_offer"] is None


def test_json_documents_pass_through_with_continuation_placeholder_filled() -> None:
    document = json.dumps({"status": "pause_for_investigation", "continuation_id": None})
    result = ToolResult(content=document, status="pause_for_investigation", content_type="json")
    out = json.loads(render_tool_output(result, RecordedExchange("tid", 2, 8)))
    assert out == {"status": "pause_for_investigation", "continuation_id": "tid"}
    untouched = ToolResult(content='{"status": "challenge_accepted"}', content_type="json")
    assert render_tool_output(untouched, None) == '{"status": "challenge_accepted"}'
