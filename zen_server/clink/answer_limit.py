"""Keeping a CLI's answer within what an MCP reply should carry.

Agents write long. An answer up to :data:`MAX_ANSWER_CHARS` passes unchanged. A longer one
is replaced by its ``<SUMMARY>...</SUMMARY>`` section when it has one (the role prompts ask
for it; cut to the limit if even that is too long), else by a notice and its first
:data:`EXCERPT_CHARS` characters. The facts returned say which happened and the sizes.
"""

from __future__ import annotations

import re
from typing import Any

MAX_ANSWER_CHARS = 20_000
EXCERPT_CHARS = 4_000
_SUMMARY = re.compile(r"<SUMMARY>(.*?)</SUMMARY>", re.IGNORECASE | re.DOTALL)


def fit_answer(cli: str, text: str, limit: int = MAX_ANSWER_CHARS) -> tuple[str, dict[str, Any]]:
    """(the text to return, facts for the reply's metadata)."""
    if len(text) <= limit:
        return text, {}
    facts: dict[str, Any] = {"output_original_length": len(text), "output_limit": limit}
    match = _SUMMARY.search(text)
    summary = match.group(1).strip() if match else ""
    if summary:
        kept = summary[:limit]
        return kept, {**facts, "output_summarized": True, "output_summary_length": len(kept)}
    excerpt = text[: min(EXCERPT_CHARS, limit // 2)]
    notice = (
        f"CLI '{cli}' answered with {len(text):,} characters, more than the {limit:,} a reply carries, "
        "and gave no <SUMMARY> section. Narrow the request (fewer files, a summary), or run the CLI "
        f"directly for the full answer.\n\n--- first {len(excerpt):,} characters ---\n{excerpt}\n--- end ---"
    )
    return notice, {**facts, "output_truncated": True, "output_excerpt_length": len(excerpt)}


__all__ = ["EXCERPT_CHARS", "MAX_ANSWER_CHARS", "fit_answer"]
