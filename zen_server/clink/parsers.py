"""Reading each CLI's machine output: the answer text, the model used, token usage.

One parser per CLI, named as the configuration names it:

* ``claude_json``: ``claude --print --output-format json`` prints one JSON object (newer
  versions: an array of events with a ``result`` event) whose ``result`` is the answer;
* ``codex_jsonl``: ``codex exec --json`` prints one event per line; the answer is the text
  of the ``agent_message`` items, usage comes with ``turn.completed``;
* ``gemini_json``: ``gemini -o json`` prints one object with ``response`` and ``stats``.

A parser raises :class:`UnreadableOutput` when the output holds no answer; the error text
says what was expected, never the output itself (the caller decides what to show).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class UnreadableOutput(ValueError):
    """The CLI's output is not what its parser expects, or carries no answer."""


@dataclass(frozen=True, slots=True)
class CliAnswer:
    text: str
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    # The CLI said the run failed although it printed a readable report of it.
    is_error: bool = False
    facts: dict[str, Any] = field(default_factory=dict)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


def _json(text: str, what: str) -> Any:
    if not text.strip():
        raise UnreadableOutput(f"{what} printed nothing on stdout (JSON was expected)")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableOutput(f"{what} did not print valid JSON ({exc.msg} at character {exc.pos})") from exc


def parse_claude_json(stdout: str) -> CliAnswer:
    loaded = _json(stdout, "claude")
    if isinstance(loaded, list):
        events = [e for e in loaded if isinstance(e, dict)]
        result = next((e for e in events if e.get("type") == "result"), None)
        payload = result or next((e for e in reversed(events) if e.get("type") == "assistant"), None)
        if payload is None:
            raise UnreadableOutput("claude printed a JSON array without a result event")
    elif isinstance(loaded, dict):
        payload = loaded
    else:
        raise UnreadableOutput("claude printed JSON that is neither an object nor an array")
    text = _claude_text(payload)
    if not text:
        raise UnreadableOutput(
            f"claude's result has no text (subtype {payload.get('subtype')!r}, is_error "
            f"{bool(payload.get('is_error'))})"
        )
    raw_usage = payload.get("usage")
    usage: Mapping[str, Any] = raw_usage if isinstance(raw_usage, dict) else {}
    models = payload.get("modelUsage")
    kept = ("session_id", "duration_ms", "num_turns", "total_cost_usd")
    facts = {k: payload[k] for k in kept if k in payload}
    return CliAnswer(
        text=text,
        model=next(iter(models)) if isinstance(models, dict) and models else None,
        input_tokens=_count(usage.get("input_tokens")),
        output_tokens=_count(usage.get("output_tokens")),
        is_error=bool(payload.get("is_error")),
        facts=facts,
    )


def _claude_text(payload: Mapping[str, Any]) -> str:
    result = payload.get("result")
    if isinstance(result, str) and result.strip():
        return result.strip()
    if isinstance(result, list):
        return "\n".join(p.strip() for p in result if isinstance(p, str) and p.strip())
    message = payload.get("message")
    if isinstance(message, str) and message.strip():
        return message.strip()
    if isinstance(message, dict):  # an "assistant" event: {"message": {"content": [{"text": ...}]}}
        parts = message.get("content")
        if isinstance(parts, list):
            return "\n".join(
                str(p.get("text", "")).strip() for p in parts if isinstance(p, dict) and p.get("text")
            )
    error = payload.get("error")
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"]).strip()
    return ""


def parse_codex_jsonl(stdout: str) -> CliAnswer:
    messages: list[str] = []
    errors: list[str] = []
    usage: Mapping[str, Any] = {}
    thread_id: str | None = None
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue  # codex interleaves plain progress lines; only events count
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if not isinstance(event, dict):
            continue
        kind, item, error = event.get("type"), event.get("item"), event.get("error")
        if kind == "item.completed" and isinstance(item, dict) and item.get("type") == "agent_message":
            text = item.get("text")
            if isinstance(text, str) and text.strip():
                messages.append(text.strip())
        elif kind == "error" and isinstance(event.get("message"), str):
            errors.append(str(event["message"]).strip())
        elif kind == "turn.failed" and isinstance(error, dict):
            errors.append(str(error.get("message", "turn failed")).strip())
        elif kind == "turn.completed" and isinstance(event.get("usage"), dict):
            usage = event["usage"]
        elif kind == "thread.started" and isinstance(event.get("thread_id"), str):
            thread_id = str(event["thread_id"])
    if not messages and not errors:
        raise UnreadableOutput("codex printed no agent_message event (JSON lines were expected)")
    return CliAnswer(
        text="\n\n".join(messages or errors),
        input_tokens=_count(usage.get("input_tokens")),
        output_tokens=_count(usage.get("output_tokens")),
        is_error=not messages,
        facts={"thread_id": thread_id} if thread_id else {},
    )


def parse_gemini_json(stdout: str) -> CliAnswer:
    payload = _json(stdout, "gemini")
    if not isinstance(payload, dict):
        raise UnreadableOutput("gemini printed JSON that is not an object")
    model, input_tokens, output_tokens = None, 0, 0
    stats = payload.get("stats")
    models = stats.get("models") if isinstance(stats, dict) else None
    if isinstance(models, dict) and models:
        model = next(iter(models))
        tokens = models[model].get("tokens") if isinstance(models[model], dict) else None
        if isinstance(tokens, dict):
            input_tokens, output_tokens = _count(tokens.get("prompt")), _count(tokens.get("candidates"))
    response = payload.get("response")
    if isinstance(response, str) and response.strip():
        return CliAnswer(response.strip(), model, input_tokens, output_tokens)
    error = payload.get("error")
    if isinstance(error, dict) and error.get("message"):
        code = error.get("code") or error.get("type") or "error"
        return CliAnswer(f"gemini reported {code}: {error['message']}", model, is_error=True)
    raise UnreadableOutput("gemini's JSON has no 'response' text")


PARSERS: dict[str, Callable[[str], CliAnswer]] = {
    "claude_json": parse_claude_json,
    "codex_jsonl": parse_codex_jsonl,
    "gemini_json": parse_gemini_json,
}


__all__ = ["PARSERS", "CliAnswer", "UnreadableOutput"]
