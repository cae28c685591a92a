"""Deterministic replies: what the fake answers is a pure function of what it was sent.

A test reading the answer can tell exactly which conversation the server sent:

    FAKE-REPLY model=<model> messages=<n> digest=<12 hex>
    last-user: <first 200 chars of the last user message>

`digest` is the first 12 hex digits of SHA-256 over the canonical conversation: a JSON
list of `[role, text]` pairs (system instruction first; Gemini's "model" role spelled
"assistant"; multi-part contents joined with "\n"). `expected_marker()` computes the same
line for a test. Token usage is estimated as characters / 4, at least 1.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

MARKER_PREFIX = "FAKE-REPLY"
LAST_USER_CHARS = 200

Conversation = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Usage:
    """Plausible token counts for one call."""

    prompt_tokens: int
    completion_tokens: int

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


def conversation_digest(conversation: Conversation) -> str:
    """First 12 hex digits of SHA-256 over the canonical JSON of the conversation."""
    canonical = json.dumps([[role, text] for role, text in conversation], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def expected_marker(model: str, conversation: Conversation) -> str:
    """The marker line the fake puts first in its reply to this conversation."""
    digest = conversation_digest(conversation)
    return f"{MARKER_PREFIX} model={model} messages={len(conversation)} digest={digest}"


def last_user_text(conversation: Conversation) -> str:
    """The last user message, or "" when there is none."""
    return next((text for role, text in reversed(conversation) if role == "user"), "")


def reply_text(
    model: str, conversation: Conversation, *, template: str | None = None, padding_words: int = 0
) -> str:
    """The reply for this call: the marker and a summary, or the behaviour's own template."""
    marker = expected_marker(model, conversation)
    if template is None:
        text = f"{marker}\nlast-user: {last_user_text(conversation)[:LAST_USER_CHARS]}"
    else:
        # Plain replacement, not str.format: a template must never be able to raise.
        text = template.replace("{marker}", marker).replace("{model}", model)
    if padding_words > 0:
        # Padding lets leak and memory tests ask for large replies.
        text += "\n" + " ".join(f"pad{i % 1000}" for i in range(padding_words))
    return text


def estimate_tokens(text: str) -> int:
    """Characters / 4, rounded up, never below 1."""
    return max(1, math.ceil(len(text) / 4))


def usage_for(conversation: Conversation, text: str) -> Usage:
    prompt = sum(estimate_tokens(part) for _, part in conversation) if conversation else 1
    return Usage(prompt_tokens=prompt, completion_tokens=estimate_tokens(text))


def split_chunks(text: str, count: int) -> list[str]:
    """Split text into at most `count` non-empty pieces whose concatenation is exactly `text`."""
    if not text:
        return [""]
    count = max(1, min(count, len(text)))
    size = math.ceil(len(text) / count)
    return [text[i : i + size] for i in range(0, len(text), size)]
