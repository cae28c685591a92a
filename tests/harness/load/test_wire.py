"""The MCP wire helpers: SSE and JSON replies, response matching, outcome classification."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.load import wire


def test_sse_body_yields_each_data_message_and_skips_non_json_events() -> None:
    body = (
        'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n'
        ": keep-alive comment\n\n"
        "data: not json\n\n"
        'event: message\ndata: {"jsonrpc":"2.0",\n'
        'data: "id":3,"result":{}}\n\n'
    )
    messages = wire.parse_sse(body)
    assert [m.get("id") for m in messages] == [None, 3]


def test_json_body_may_be_one_message_or_a_batch() -> None:
    assert wire.parse_body("application/json", '{"id": 1, "result": {}}') == [{"id": 1, "result": {}}]
    assert [m["id"] for m in wire.parse_body("application/json", '[{"id": 1}, {"id": 2}]')] == [1, 2]
    assert wire.parse_body("application/json", "  ") == []


def test_a_body_that_is_neither_sse_nor_json_is_a_protocol_error() -> None:
    with pytest.raises(wire.WireError) as caught:
        wire.parse_body("text/html", "<html>")
    assert caught.value.kind == "protocol_error"


def test_response_for_skips_notifications_and_other_ids() -> None:
    messages: list[dict[str, Any]] = [
        {"method": "notifications/message"},
        {"id": 7, "result": {"a": 1}},
        {"id": 8, "result": {}},
    ]
    assert wire.response_for(messages, 8) == {"id": 8, "result": {}}
    assert wire.response_for(messages, 9) is None


def test_a_json_rpc_error_raises_protocol_error_with_code() -> None:
    with pytest.raises(wire.WireError, match="-32602") as caught:
        wire.result_of({"id": 1, "error": {"code": -32602, "message": "bad params"}})
    assert caught.value.kind == "protocol_error"


@pytest.mark.parametrize(
    ("result", "kind"),
    [
        ({"content": [{"type": "text", "text": '{"status": "success"}'}]}, "ok"),
        ({"content": [{"type": "text", "text": "plain words"}]}, "ok"),
        ({"content": [{"type": "text", "text": "boom"}], "isError": True}, "tool_error"),
        ({"content": [{"type": "text", "text": '{"status": "error", "content": "x"}'}]}, "tool_error"),
    ],
)
def test_tool_reply_classifies_failures_like_the_harness_client(result: dict[str, object], kind: str) -> None:
    assert wire.tool_reply(result, 10).kind == kind


def test_tool_reply_joins_text_blocks_and_parses_json_body() -> None:
    body = {"status": "continuation_available", "continuation_offer": {"continuation_id": "t-1"}}
    reply = wire.tool_reply({"content": [{"type": "text", "text": json.dumps(body)}]}, 99)
    assert reply.ok and reply.size == 99
    assert wire.dig(reply.body(), "continuation_offer.continuation_id") == "t-1"
    assert wire.dig(reply.body(), "continuation_offer.missing.deeper") is None


def test_call_request_is_a_tools_call_with_name_and_arguments() -> None:
    message = wire.call_request(5, "chat", {"prompt": "hi"})
    assert message == {
        "jsonrpc": "2.0",
        "id": 5,
        "method": "tools/call",
        "params": {"name": "chat", "arguments": {"prompt": "hi"}},
    }
