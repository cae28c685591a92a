"""stdio_frames: every line gets the JSON-RPC treatment the spec asks for; pre-initialize refusals say so."""

from __future__ import annotations

import json
from typing import Any

import mcp_types as types
import pytest

from zen_server.mcp.stdio_frames import NOT_INITIALIZED, Answer, Forward, Handshake, triage


def answer_of(line: str) -> Any:
    verdict = triage(line)
    assert isinstance(verdict, Answer), verdict
    return json.loads(verdict.text)


@pytest.mark.parametrize(
    "line",
    [
        '{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}',
        '{"jsonrpc": "2.0", "id": "a", "method": "tools/call", "params": {"name": "x"}}',
        '{"jsonrpc": "2.0", "method": "notifications/initialized"}',
        '{"jsonrpc": "2.0", "method": "notifications/x", "params": {"note": "an \\"id\\" in a string"}}',
        '{"jsonrpc": "2.0", "id": 4, "result": {}}',
    ],
)
def test_valid_messages_are_forwarded_untouched(line: str) -> None:
    verdict = triage(line)
    assert isinstance(verdict, Forward)
    assert verdict.message.model_dump(by_alias=True, exclude_unset=True) == json.loads(line)


@pytest.mark.parametrize("line", ["", "   \n"])
def test_blank_lines_are_ignored(line: str) -> None:
    assert triage(line) is None


@pytest.mark.parametrize("line", ["{", "not json", '{"a": 1,}', "\ufeff{}"])
def test_unparsable_lines_get_a_parse_error_with_a_null_id(line: str) -> None:
    answer = answer_of(line)
    assert answer["id"] is None and answer["error"]["code"] == types.PARSE_ERROR


@pytest.mark.parametrize(
    ("frame", "answer_id", "why"),
    [
        ({"jsonrpc": "2.0", "id": 1.5, "method": "ping"}, 1.5, '"id" must be'),
        ({"jsonrpc": "2.0", "id": True, "method": "ping"}, None, '"id" must be'),
        ({"jsonrpc": "2.0", "id": [1], "method": "ping"}, None, '"id" must be'),
        ({"jsonrpc": "1.0", "id": 2, "method": "ping"}, 2, '"jsonrpc" member'),
        ({"jsonrpc": "2.0", "id": 3, "method": ["x"]}, 3, '"method" must be'),
        ({"jsonrpc": "2.0", "id": 4, "method": "x", "params": [1]}, 4, '"params" must be'),
        ({"jsonrpc": "2.0", "id": "five"}, "five", 'needs a "method"'),
        (42, None, "JSON object"),
    ],
)
def test_invalid_frames_get_invalid_request_naming_the_problem(frame: Any, answer_id: Any, why: str) -> None:
    answer = answer_of(json.dumps(frame))
    assert answer["error"]["code"] == types.INVALID_REQUEST
    assert answer["id"] == answer_id
    assert why in answer["error"]["message"]


def test_a_batch_is_answered_member_by_member_and_notifications_are_not() -> None:
    batch = [
        {"jsonrpc": "2.0", "id": 1, "method": "ping"},
        {"jsonrpc": "2.0", "method": "n"},
        {"jsonrpc": "2.0", "id": None, "method": "ping"},
        "junk",
    ]
    answer = answer_of(json.dumps(batch))
    assert [a["id"] for a in answer] == [1, None, None]
    assert {a["error"]["code"] for a in answer} == {types.INVALID_REQUEST}
    assert triage(json.dumps([{"jsonrpc": "2.0", "method": "n"}])) is None
    assert answer_of("[]")["id"] is None


def _request(request_id: Any, method: str, params: dict[str, Any] | None = None) -> types.JSONRPCRequest:
    return types.JSONRPCRequest(jsonrpc="2.0", id=request_id, method=method, params=params)


def _gate_refusal(request_id: Any) -> types.JSONRPCError:
    error = types.ErrorData(code=types.INVALID_PARAMS, message="Invalid request parameters", data="")
    return types.JSONRPCError(jsonrpc="2.0", id=request_id, error=error)


def test_the_sdks_pre_initialize_refusal_is_reworded_until_initialize_succeeds() -> None:
    handshake = Handshake()
    handshake.inbound(_request(1, "tools/list"))
    reworded = handshake.outbound(_gate_refusal(1))
    assert isinstance(reworded, types.JSONRPCError) and reworded.error.message == NOT_INITIALIZED
    assert reworded.error.code == types.INVALID_PARAMS and reworded.id == 1
    handshake.inbound(_request("init", "initialize"))
    handshake.outbound(types.JSONRPCResponse(jsonrpc="2.0", id="init", result={}))
    after = handshake.outbound(_gate_refusal(2))
    assert isinstance(after, types.JSONRPCError) and after.error.message == "Invalid request parameters"


def test_a_modern_connection_has_no_handshake_to_complain_about() -> None:
    handshake = Handshake()
    meta = {types.PROTOCOL_VERSION_META_KEY: "2026-07-28"}
    handshake.inbound(_request(1, "tools/list", {"_meta": meta}))
    assert handshake.era == "modern"
    kept = handshake.outbound(_gate_refusal(1))
    assert isinstance(kept, types.JSONRPCError) and kept.error.message == "Invalid request parameters"
