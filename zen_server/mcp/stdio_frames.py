"""What to do with each stdio line, as JSON-RPC 2.0 says: forward it, or answer it ourselves.

The SDK's stdio loop drops what it cannot parse, so a client sending a malformed frame
would wait forever. Here every line is triaged first:

* a valid JSON-RPC message goes to the SDK unchanged;
* a line that is not JSON gets ``-32700 Parse error`` (id null);
* JSON that is not a valid message gets ``-32600 Invalid Request`` with the frame's id when
  it has a usable one (string or number), else id null;
* a request whose id MCP cannot use (``1.5``, ``true``, ``null``, an object) would pass
  the SDK as a *notification* and never be answered: it gets ``-32600`` too;
* a batch (JSON array; MCP removed batching) gets an array with one ``-32600`` per member
  that carries an id, an empty batch a single ``-32600``; notifications are not answered.

``Handshake`` watches both directions to make the SDK's answer to a request sent before
``initialize`` say so (the SDK's text is "Invalid request parameters").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import mcp_types as types
from pydantic import ValidationError

BATCH_UNSUPPORTED = (
    "Invalid Request: JSON-RPC batches are not supported (MCP removed batching); send one message per line"
)
NOT_INITIALIZED = (
    "the session is not initialized: send 'initialize' first and then 'notifications/initialized', "
    "as the MCP lifecycle requires; only 'ping' is answered before that"
)
_SDK_PRE_INIT_MESSAGE = "Invalid request parameters"


@dataclass(frozen=True, slots=True)
class Forward:
    message: types.JSONRPCMessage


@dataclass(frozen=True, slots=True)
class Answer:
    """A reply we write ourselves: one JSON text line."""

    text: str


Verdict = Forward | Answer | None


def error_object(request_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


def _error_line(request_id: Any, code: int, message: str) -> Answer:
    return Answer(json.dumps(error_object(request_id, code, message)))


def usable_id(frame: Any) -> Any:
    """The frame's id if a client could match it (string or number), else None."""
    value = frame.get("id") if isinstance(frame, dict) else None
    if isinstance(value, str) or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return None


def why_invalid(frame: Any) -> str:
    """The first thing wrong with a frame that is JSON but not a JSON-RPC message."""
    if not isinstance(frame, dict):
        return "a message must be a JSON object"
    if frame.get("jsonrpc") != "2.0":
        return 'the "jsonrpc" member must be "2.0"'
    if ("id" in frame and usable_id(frame) is None) or isinstance(frame.get("id"), float):
        return 'the "id" must be a string or an integer'
    if "method" in frame and not isinstance(frame["method"], str):
        return 'the "method" must be a string'
    if "params" in frame and not isinstance(frame["params"], dict):
        return 'the "params" must be an object'
    if "method" not in frame and "result" not in frame and "error" not in frame:
        return 'a message needs a "method" (request, notification) or a "result"/"error" (response)'
    return "the message does not match the JSON-RPC 2.0 / MCP schema"


def triage(line: str) -> Verdict:
    """Decide what happens to one line read from stdin."""
    text = line.strip()
    if not text:
        return None
    try:
        message = types.jsonrpc_message_adapter.validate_json(text, by_name=False)
    except ValidationError:
        message = None
    if message is not None and not isinstance(message, types.JSONRPCNotification):
        return Forward(message)
    try:
        frame = json.loads(text)
    except ValueError:
        return _error_line(None, types.PARSE_ERROR, "Parse error: the line is not valid JSON")
    if message is not None and not (isinstance(frame, dict) and "id" in frame):
        return Forward(message)  # a real notification: it carries no id
    if isinstance(frame, list):
        return _batch(frame)
    request_id = usable_id(frame)
    return _error_line(request_id, types.INVALID_REQUEST, f"Invalid Request: {why_invalid(frame)}")


def _batch(frames: list[Any]) -> Verdict:
    if not frames:
        return _error_line(None, types.INVALID_REQUEST, "Invalid Request: an empty batch")
    answers = [
        error_object(usable_id(f), types.INVALID_REQUEST, BATCH_UNSUPPORTED)
        for f in frames
        if not isinstance(f, dict) or "id" in f
    ]
    return Answer(json.dumps(answers)) if answers else None


@dataclass(slots=True)
class Handshake:
    """Which era the connection is in, and whether the legacy ``initialize`` succeeded."""

    era: str | None = None  # "legacy" (initialize handshake) or "modern" (per-request envelope)
    initialized: bool = False
    _initialize_ids: set[Any] = field(default_factory=set)

    def inbound(self, message: types.JSONRPCMessage) -> None:
        if not isinstance(message, types.JSONRPCRequest):
            return
        if message.method == "initialize":
            self._initialize_ids.add(message.id)
        if self.era is None:
            meta = (message.params or {}).get("_meta")
            modern = isinstance(meta, dict) and types.PROTOCOL_VERSION_META_KEY in meta
            self.era = "modern" if modern and message.method != "initialize" else "legacy"

    def outbound(self, message: types.JSONRPCMessage) -> types.JSONRPCMessage:
        """The message to send: the SDK's pre-initialize refusal reworded, anything else unchanged."""
        if isinstance(message, types.JSONRPCResponse) and message.id in self._initialize_ids:
            self.initialized = True
        if (
            isinstance(message, types.JSONRPCError)
            and self.era == "legacy"
            and not self.initialized
            and message.id not in self._initialize_ids
            and message.error.code == types.INVALID_PARAMS
            and message.error.message == _SDK_PRE_INIT_MESSAGE
            and not message.error.data
        ):
            error = message.error.model_copy(update={"message": NOT_INITIALIZED})
            return message.model_copy(update={"error": error})
        return message


__all__ = ["Answer", "Forward", "Handshake", "Verdict", "error_object", "triage", "usable_id", "why_invalid"]
