"""The fuzz session's own notion of what a frame is owed, pinned to JSON-RPC 2.0 / MCP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings

from harness.fuzz.arguments import from_schema
from harness.fuzz.frames import frame_texts, owed, owed_for_text


@pytest.mark.parametrize(
    ("frame", "answers"),
    [
        ({"jsonrpc": "2.0", "id": 1, "method": "ping"}, [1]),
        ({"jsonrpc": "2.0", "id": "a", "method": "x", "params": {}}, ["a"]),
        ({"jsonrpc": "2.0", "method": "notifications/initialized"}, []),
        ({"jsonrpc": "2.0", "id": 3, "result": {}}, []),
        ({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}, [1.5]),
        ({"jsonrpc": "2.0", "id": True, "method": "ping"}, [None]),
        ({"jsonrpc": "2.0", "method": 5}, [None]),
        ([], [None]),
        ([{"jsonrpc": "2.0", "method": "n"}], []),
        ([{"jsonrpc": "2.0", "id": 1, "method": "p"}, 7], [1, None]),
        ("text", [None]),
    ],
)
def test_what_a_frame_is_owed(frame: Any, answers: list[Any]) -> None:
    assert owed(frame) == answers


def test_unparsable_text_is_owed_a_null_id_error_and_blank_lines_nothing() -> None:
    assert owed_for_text('{"jsonrpc": ') == [None]
    assert owed_for_text("   ") == []


@settings(max_examples=50, database=None, deadline=None)
@given(frame_texts)
def test_generated_frames_are_single_lines(text: str) -> None:
    assert "\n" not in text and "\r" not in text


@settings(max_examples=100, database=None, deadline=None)
@given(
    from_schema({"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}, "required": ["n"]})
)
def test_schema_values_follow_the_schema_or_are_a_deliberate_wrong_scalar(value: Any) -> None:
    if isinstance(value, dict):
        assert set(value) == {"n"}
        n = value["n"]
        assert (isinstance(n, int) and not isinstance(n, bool) and n >= 1) or not isinstance(n, list | dict)
    else:
        assert value is None or isinstance(value, bool | int | float | str)
    json.dumps(value)
