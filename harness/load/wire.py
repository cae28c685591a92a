"""MCP on the wire for load users: JSON-RPC messages out, responses in, outcomes classified.

Pure functions shared by the streamable HTTP and the stdio sessions (no I/O here), so the
Locust users stay thin and the parsing is unit-tested without a server. A streamable HTTP
POST answers either ``application/json`` (one message) or ``text/event-stream`` (SSE
events whose ``data`` lines hold messages); both are turned into a list of messages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

PROTOCOL_VERSION = "2025-06-18"
CLIENT_INFO = {"name": "zen-harness-load", "version": "1"}

OutcomeKind = Literal["ok", "tool_error", "protocol_error", "timeout", "transport_error"]


class WireError(Exception):
    """A call could not complete; ``kind`` says how (timeout, transport_error, protocol_error)."""

    def __init__(self, kind: OutcomeKind, message: str) -> None:
        super().__init__(message)
        self.kind: OutcomeKind = kind


@dataclass(frozen=True)
class ToolReply:
    """A tools/call result: the joined text blocks and whether it counts as a failure."""

    kind: OutcomeKind
    text: str
    size: int  # bytes of the response as received, for Locust's response_length

    @property
    def ok(self) -> bool:
        return self.kind == "ok"

    def body(self) -> Any:
        """The text as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.text)
        except ValueError:
            return None


def request(request_id: int, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None:
        message["params"] = params
    return message


def notification(method: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "method": method}


def initialize_request(request_id: int) -> dict[str, Any]:
    params = {"protocolVersion": PROTOCOL_VERSION, "capabilities": {}, "clientInfo": CLIENT_INFO}
    return request(request_id, "initialize", params)


def call_request(request_id: int, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return request(request_id, "tools/call", {"name": tool, "arguments": arguments})


def parse_sse(text: str) -> list[dict[str, Any]]:
    """The JSON messages carried by the ``data:`` lines of an SSE body (multi-line data joined)."""
    messages: list[dict[str, Any]] = []
    data: list[str] = []

    def flush() -> None:
        if data:
            payload = "\n".join(data)
            data.clear()
            try:
                parsed = json.loads(payload)
            except ValueError:
                return  # a keep-alive or non-JSON event is not a message
            if isinstance(parsed, dict):
                messages.append(parsed)

    for line in text.splitlines():
        if not line.strip():
            flush()
        elif line.startswith("data:"):
            data.append(line[5:].lstrip(" "))
    flush()
    return messages


def parse_body(content_type: str, text: str) -> list[dict[str, Any]]:
    """The messages of one HTTP response, SSE or plain JSON (one object or a batch)."""
    if "text/event-stream" in content_type:
        return parse_sse(text)
    if not text.strip():
        return []
    try:
        parsed = json.loads(text)
    except ValueError as exc:
        raise WireError("protocol_error", f"response is neither SSE nor JSON: {text[:120]!r}") from exc
    if isinstance(parsed, list):
        return [item for item in parsed if isinstance(item, dict)]
    return [parsed] if isinstance(parsed, dict) else []


def response_for(messages: list[dict[str, Any]], request_id: int) -> dict[str, Any] | None:
    """The response with our id among the messages (notifications and others skipped)."""
    for message in messages:
        if message.get("id") == request_id and ("result" in message or "error" in message):
            return message
    return None


def result_of(response: dict[str, Any]) -> dict[str, Any]:
    """The ``result`` of a response; a JSON-RPC error becomes a protocol_error."""
    if "error" in response:
        error = response["error"]
        raise WireError("protocol_error", f"{error.get('code')}: {error.get('message')}")
    result = response.get("result")
    if not isinstance(result, dict):
        raise WireError("protocol_error", f"response without a result object: {str(response)[:120]}")
    return result


def tool_reply(result: dict[str, Any], size: int) -> ToolReply:
    """Classify a tools/call result like ``harness.mcp_client``: isError or status 'error' fail."""
    blocks = result.get("content") or []
    text = "\n".join(
        str(b.get("text", "")) for b in blocks if isinstance(b, dict) and b.get("type") == "text"
    )
    if result.get("isError"):
        return ToolReply("tool_error", text, size)
    if text.startswith("{"):
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        # Zen-style servers may report failure inside the JSON text without isError.
        if isinstance(body, dict) and str(body.get("status", "")).lower() == "error":
            return ToolReply("tool_error", text, size)
    return ToolReply("ok", text, size)


def dig(body: Any, dotted: str) -> Any:
    """``dig({"a": {"b": 1}}, "a.b") == 1``; None when any step is missing."""
    for part in dotted.split("."):
        if not isinstance(body, dict):
            return None
        body = body.get(part)
    return body
