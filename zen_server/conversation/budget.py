"""Token estimation and the split of a model's context window between prompt parts.

The estimator is deliberately simple: about four characters per token, which is close
enough for English text and code across the providers we serve and never needs a
tokenizer download. Budgets derived from it are conservative shares of the window, so an
estimate that is off by a quarter still fits.
"""

from __future__ import annotations

from dataclasses import dataclass

CHARS_PER_TOKEN = 4
# Windows at or above this size leave more room for content, as large models rarely need
# 40 % of their window for the answer.
LARGE_CONTEXT_TOKENS = 300_000


def estimate_tokens(text: str) -> int:
    """Approximate token count of ``text`` (characters / 4, rounded up)."""
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


@dataclass(frozen=True, slots=True)
class TokenBudget:
    """How many tokens each part of one model request may use."""

    context_window: int
    content_tokens: int  # everything we send: system prompt, history, files, prompt
    response_tokens: int  # left for the model's answer
    file_tokens: int  # embedded file contents (this request's and the thread's)
    history_tokens: int  # earlier turns of the conversation, files section included

    @classmethod
    def for_context_window(cls, context_window: int) -> TokenBudget:
        window = max(1, context_window)
        if window < LARGE_CONTEXT_TOKENS:
            content_ratio, file_ratio, history_ratio = 0.6, 0.3, 0.5
        else:
            content_ratio, file_ratio, history_ratio = 0.8, 0.4, 0.4
        content = int(window * content_ratio)
        return cls(
            context_window=window,
            content_tokens=content,
            response_tokens=window - content,
            file_tokens=int(content * file_ratio),
            history_tokens=int(content * history_ratio),
        )


__all__ = ["CHARS_PER_TOKEN", "TokenBudget", "estimate_tokens"]
