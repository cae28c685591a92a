"""The JSON text a client receives for a tool call: the original server's ToolOutput envelope.

``{"status", "content", "content_type", "metadata", "continuation_offer"}``, where
``continuation_offer`` is ``{"continuation_id", "note", "remaining_turns"}`` or null and
``status`` becomes "continuation_available" when an offer is made. The executor calls
:func:`render_tool_output` after recording the exchange, so the offer names the thread the
exchange really landed in.

Tools whose upstream twin answers with its own JSON document (challenge, the workflow
tools) return ``content_type="json"`` with that document as content; it is passed through
unchanged, except that a top-level ``"continuation_id": null`` placeholder is filled in
with the recorded thread's id. ``json_in_envelope`` keeps JSON content inside the envelope
(jules answers that way upstream).
"""

from __future__ import annotations

import json
from typing import Any

from zen_server.conversation.service import RecordedExchange
from zen_server.tools.base import ToolResult


def continuation_note(remaining_turns: int) -> str:
    return (
        f"You can continue this conversation for {remaining_turns} more turns: pass this "
        "continuation_id to any tool (chat, thinkdeep, codereview...) and it will see the history."
    )


def _passthrough(result: ToolResult, recorded: RecordedExchange | None) -> str | None:
    try:
        document = json.loads(result.content)
    except ValueError:
        return None  # not a document after all: wrap it like any other text
    if recorded is not None and isinstance(document, dict) and document.get("continuation_id", 0) is None:
        document["continuation_id"] = recorded.thread_id
        return json.dumps(document, indent=2, ensure_ascii=False)
    return result.content


def envelope(result: ToolResult, recorded: RecordedExchange | None) -> dict[str, Any]:
    """The envelope as a dict (see module docstring)."""
    metadata: dict[str, Any] = dict(result.metadata)
    if result.model_response is not None and result.model_response.cached:
        metadata["served_from_cache"] = True  # only when true: other replies stay as upstream's
    offer: dict[str, Any] | None = None
    status = result.status
    if recorded is not None and recorded.remaining_turns > 0 and status == "success":
        status = "continuation_available"
        offer = {
            "continuation_id": recorded.thread_id,
            "note": continuation_note(recorded.remaining_turns),
            "remaining_turns": recorded.remaining_turns,
        }
        metadata.setdefault("conversation_ready", True)
    return {
        "status": status,
        "content": result.content,
        "content_type": result.content_type,
        "metadata": metadata,
        "continuation_offer": offer,
    }


def render_tool_output(result: ToolResult, recorded: RecordedExchange | None) -> str:
    """The text content the MCP adapter sends back for ``result``."""
    if result.content_type == "json" and not result.json_in_envelope:
        passed = _passthrough(result, recorded)
        if passed is not None:
            return passed
    return json.dumps(envelope(result, recorded), ensure_ascii=False)


__all__ = ["continuation_note", "envelope", "render_tool_output"]
