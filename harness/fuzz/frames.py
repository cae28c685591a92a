"""Hypothesis strategies for JSON-RPC frames, well-formed and hostile, and the answers each one is owed.

A frame is a line of text. What the server owes it follows JSON-RPC 2.0 and MCP, computed
here independently of the server: a request with a string or integer id gets an answer
with that id; any other frame carrying an id gets an error with that id (or null when the
id cannot be echoed); unparsable text and frames without an id that are not valid
notifications get an error with id null; a batch gets one answer per member with an id;
valid notifications and client responses get nothing.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

MISSING = object()
METHODS = (
    "ping", "tools/list", "tools/call", "prompts/list", "prompts/get", "resources/list", "initialize",
    "logging/setLevel", "completion/complete", "nope/unknown", "", "rpc.discover",
)  # fmt: skip

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
request_ids = st.integers(min_value=-(2**62), max_value=2**62) | st.text(max_size=24)
odd_ids = (
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer())
    | st.booleans()
    | st.none()
    | st.lists(json_scalars, max_size=2)
    | st.dictionaries(st.text(max_size=5), json_scalars, max_size=2)
)


def usable_id(frame: Any) -> Any:
    value = frame.get("id") if isinstance(frame, dict) else None
    if isinstance(value, str) or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    return None


def _is_request_shape(frame: dict[str, Any]) -> bool:
    return (
        frame.get("jsonrpc") == "2.0"
        and isinstance(frame.get("method"), str)
        and ("params" not in frame or isinstance(frame["params"], dict))
    )


def owed(frame: Any) -> list[Any]:
    """The ids of the answers a parsed frame is owed (None: an error with id null)."""
    if isinstance(frame, list):
        if not frame:
            return [None]
        return [usable_id(f) for f in frame if not isinstance(f, dict) or "id" in f]
    if not isinstance(frame, dict):
        return [None]
    if "result" in frame or "error" in frame:
        return []  # a response from the client: nothing to answer
    if "id" not in frame:
        return [] if _is_request_shape(frame) else [None]
    return [usable_id(frame)]


def owed_for_text(text: str) -> list[Any]:
    if not text.strip():
        return []
    try:
        return owed(json.loads(text))
    except ValueError:
        return [None]


def _frame(**members: Any) -> dict[str, Any]:
    return {k: v for k, v in members.items() if v is not MISSING}


params = st.none() | st.dictionaries(st.text(max_size=12), json_values, max_size=4)
well_formed_requests = st.builds(
    lambda i, m, p: _frame(jsonrpc="2.0", id=i, method=m, params=MISSING if p is None else p),
    request_ids,
    st.sampled_from(METHODS) | st.text(max_size=20),
    params,
)
notifications = st.builds(
    lambda m, p: _frame(jsonrpc="2.0", method=m, params=MISSING if p is None else p),
    st.sampled_from(
        ("notifications/initialized", "notifications/cancelled", "notifications/progress", "x/y")
    ),
    params,
)
client_responses = st.builds(
    lambda i, r: {"jsonrpc": "2.0", "id": i, "result": r},
    request_ids,
    st.dictionaries(st.text(max_size=5), json_scalars),
)
odd_id_requests = st.builds(
    lambda i, m: {"jsonrpc": "2.0", "id": i, "method": m}, odd_ids, st.sampled_from(METHODS)
)
broken_members = st.builds(
    lambda version, i, m, p: _frame(jsonrpc=version, id=i, method=m, params=p),
    st.sampled_from([MISSING, "1.0", 2.0, None, "2.0"]),
    st.sampled_from([MISSING]) | request_ids | odd_ids,
    st.sampled_from([MISSING]) | json_values,
    st.sampled_from([MISSING]) | json_values,
).filter(lambda f: not ("id" not in f and _is_request_shape(f)))
objects = well_formed_requests | notifications | client_responses | odd_id_requests | broken_members
batches = st.lists(objects | json_scalars, max_size=4)
parsed_frames = objects | batches | json_values

_no_newlines = st.characters(blacklist_characters="\n\r", blacklist_categories=["Cs"])
unparsable = st.text(_no_newlines, min_size=1, max_size=200).filter(lambda t: owed_for_text(t) == [None])
truncated = well_formed_requests.map(json.dumps).flatmap(
    lambda text: st.integers(1, max(1, len(text) - 1)).map(lambda cut: text[:cut])
)
huge = st.builds(
    lambda i, n: json.dumps({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                             "params": {"name": "chat", "arguments": {"prompt": "x" * n}}}),
    request_ids, st.integers(10_000, 300_000),
)  # fmt: skip

frame_texts = (
    parsed_frames.map(json.dumps)
    | parsed_frames.map(lambda f: json.dumps(f, ensure_ascii=False))
    | unparsable
    | truncated.filter(lambda t: owed_for_text(t) == [None])
    | huge
)

__all__ = ["frame_texts", "owed", "owed_for_text", "usable_id"]
