"""What each fake CLI prints: its required arguments, its answer format, its failure report.

The shapes follow the real CLIs' machine output: ``claude --output-format json`` prints one
result object, ``codex exec --json`` prints one event per line, ``gemini -o json`` prints
one object with ``response`` and ``stats``.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

CLI_NAMES = ("claude", "codex", "gemini")


def stdin_digest(prompt: str) -> str:
    """12 hex characters of sha256 over the prompt as received on stdin."""
    return hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:12]


def reply_marker(cli: str, prompt: str) -> str:
    """The first line of every fake answer."""
    return f"FAKE-CLI-REPLY cli={cli} digest={stdin_digest(prompt)}"


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def claude_answer(text: str, prompt: str) -> str:
    return json.dumps(
        {
            "type": "result",
            "subtype": "success",
            "is_error": False,
            "duration_ms": 12,
            "num_turns": 1,
            "result": text,
            "session_id": str(uuid.uuid4()),
            "total_cost_usd": 0,
            "usage": {"input_tokens": _tokens(prompt), "output_tokens": _tokens(text)},
            "modelUsage": {"claude-fake-sonnet": {"inputTokens": _tokens(prompt)}},
        }
    )


def claude_failure(message: str) -> str:
    return json.dumps(
        {"type": "result", "subtype": "error_during_execution", "is_error": True, "result": message}
    )


def codex_answer(text: str, prompt: str) -> str:
    events = [
        {"type": "thread.started", "thread_id": str(uuid.uuid4())},
        {"type": "turn.started"},
        {"type": "item.completed", "item": {"id": "item_0", "type": "reasoning", "text": "thinking"}},
        {"type": "item.completed", "item": {"id": "item_1", "type": "agent_message", "text": text}},
        {
            "type": "turn.completed",
            "usage": {
                "input_tokens": _tokens(prompt),
                "cached_input_tokens": 0,
                "output_tokens": _tokens(text),
            },
        },
    ]
    return "\n".join(json.dumps(e) for e in events)


def codex_failure(message: str) -> str:
    events = [{"type": "turn.started"}, {"type": "error", "message": message}]
    return "\n".join(json.dumps(e) for e in events)


def gemini_answer(text: str, prompt: str) -> str:
    asked, answered = _tokens(prompt), _tokens(text)
    tokens = {"prompt": asked, "candidates": answered, "total": asked + answered}
    stats = {"api": {"totalRequests": 1, "totalErrors": 0, "totalLatencyMs": 10}, "tokens": tokens}
    return json.dumps({"response": text, "stats": {"models": {"gemini-fake-pro": stats}}})


def gemini_failure(message: str) -> str:
    return json.dumps({"error": {"type": "FatalToolExecutionError", "message": message, "code": 1}})


@dataclass(frozen=True)
class CliFormat:
    """One CLI: the flags that select machine output, and how it writes answers and failures."""

    name: str
    required: Sequence[Sequence[str]]  # each inner sequence must appear consecutively in argv
    answer: Callable[[str, str], str]
    failure: Callable[[str], str]

    def missing_flags(self, argv: Sequence[str]) -> list[str]:
        args = list(argv)
        return [
            " ".join(flags)
            for flags in self.required
            if not any(args[i : i + len(flags)] == list(flags) for i in range(len(args)))
        ]


FORMATS: dict[str, CliFormat] = {
    "claude": CliFormat("claude", (("--print",), ("--output-format", "json")), claude_answer, claude_failure),
    "codex": CliFormat("codex", (("exec",), ("--json",)), codex_answer, codex_failure),
    "gemini": CliFormat("gemini", (("-o", "json"),), gemini_answer, gemini_failure),
}


__all__ = ["CLI_NAMES", "FORMATS", "CliFormat", "reply_marker", "stdin_digest"]
