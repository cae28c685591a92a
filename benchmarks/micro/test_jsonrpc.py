"""JSON-RPC decode and encode of a typical tools/call, as the stdio transport does per frame."""

from __future__ import annotations

import json

import mcp_types as types
from pytest_benchmark.fixture import BenchmarkFixture

from zen_server.mcp.stdio_frames import Forward, triage

ANSWER_TEXT = json.dumps(
    {
        "status": "continuation_available",
        "content": "A considered answer about the code under review. " * 40,
        "content_type": "text",
        "metadata": {"tool_name": "chat", "model_used": "fake-model", "provider_used": "openai"},
        "continuation_offer": {
            "continuation_id": "0b8f2f0e-1d3c-4a4e-9d6b-1f7a9c2e5d10",
            "remaining_turns": 38,
        },
    }
)
CALL_LINE = json.dumps(
    {
        "jsonrpc": "2.0",
        "id": 42,
        "method": "tools/call",
        "params": {
            "name": "chat",
            "arguments": {
                "prompt": "Why does the retry budget refill per request rather than per second? " * 8,
                "model": "fake-model",
                "working_directory_absolute_path": "/tmp/project",
            },
        },
    }
)


def test_decode_tools_call(benchmark: BenchmarkFixture) -> None:
    verdict = benchmark(triage, CALL_LINE)
    assert isinstance(verdict, Forward)
    assert isinstance(verdict.message, types.JSONRPCRequest)
    assert verdict.message.method == "tools/call"


def test_encode_tools_call_result(benchmark: BenchmarkFixture) -> None:
    result = types.CallToolResult(content=[types.TextContent(type="text", text=ANSWER_TEXT)], is_error=False)
    response = types.JSONRPCResponse(
        jsonrpc="2.0", id=42, result=result.model_dump(by_alias=True, exclude_none=True)
    )
    line = benchmark(lambda: response.model_dump_json(by_alias=True, exclude_unset=True))
    assert json.loads(line)["result"]["content"][0]["text"] == ANSWER_TEXT
