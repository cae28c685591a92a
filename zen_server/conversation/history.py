"""Rebuilding a thread into text a model can read, within a token budget.

Two rules, both taken from the original server's behaviour:

* Files: when the same path was shared in several turns, only the newest reference
  counts, and the list is ordered newest first so a tight budget drops the oldest files.
* Turns: collected newest first so a tight budget drops the oldest turns, then presented
  oldest first so the model reads the conversation in order.

This module reads no files: it returns which files the thread references, and the tool
layer embeds them (see ``zen_server.tools.files``) and hands the block back here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zen_server.conversation.budget import estimate_tokens
from zen_server.conversation.types import Thread, Turn

HISTORY_BEGIN = "=== CONVERSATION HISTORY (CONTINUATION) ==="
HISTORY_END = "=== END CONVERSATION HISTORY ==="
NEW_INPUT_MARKER = "=== NEW USER INPUT ==="


@dataclass(frozen=True, slots=True)
class ConversationHistory:
    """The formatted history of a thread and what it left out."""

    text: str  # "" when the thread has no turns
    files: tuple[str, ...]  # every file the thread references, newest reference first
    included_turns: int
    total_turns: int
    tokens: int


def newest_first_unique(groups: Iterable[Sequence[str]]) -> list[str]:
    """Flatten ``groups`` (oldest group first) keeping each item's newest occurrence, newest first."""
    seen: set[str] = set()
    ordered: list[str] = []
    for group in reversed(list(groups)):
        for item in group:
            if item not in seen:
                seen.add(item)
                ordered.append(item)
    return ordered


def conversation_files(turns: Sequence[Turn]) -> list[str]:
    """Files referenced anywhere in ``turns``, deduplicated, newest reference first."""
    return newest_first_unique(turn.files for turn in turns)


def conversation_images(turns: Sequence[Turn]) -> list[str]:
    """Images referenced anywhere in ``turns``, deduplicated, newest reference first."""
    return newest_first_unique(turn.images for turn in turns)


def last_model_used(thread: Thread) -> str | None:
    """The model of the newest answer, so a continuation without ``model`` keeps talking to it."""
    for turn in reversed(thread.turns):
        if turn.role == "assistant" and turn.model:
            return turn.model
    return None


def format_turn(number: int, turn: Turn) -> str:
    """One turn as the model sees it: a header naming who spoke through which tool, then the text."""
    speaker = "Agent" if turn.role == "user" else (turn.model or "Assistant")
    header = f"--- Turn {number} ({speaker} via {turn.tool_name}"
    if turn.role == "assistant" and turn.provider:
        header += f", provider {turn.provider}"
    header += ") ---"
    parts = [header]
    if turn.files:
        parts.append(f"Files shared in this turn: {', '.join(turn.files)}")
    parts.append(turn.content)
    return "\n".join(parts)


def follow_up_instructions(turns_so_far: int, max_turns: int) -> str:
    """Tell the model whether it may invite a follow-up, and how many turns remain.

    Counted in turns (one per message), after this exchange's two: the same figure the
    agent receives as ``remaining_turns``, so the model and the agent never disagree.
    """
    remaining = max(0, max_turns - turns_so_far - 2)
    if remaining < 2:  # no room for another question and its answer
        return (
            "NOTE: this is the last exchange this conversation allows. Give a complete, final "
            "answer and do not ask follow-up questions."
        )
    return (
        f"CONTINUATION: the agent can reply to you in this conversation ({remaining} more turns "
        "allowed). If more context would genuinely help, say so plainly and ask the agent to answer "
        "using the continuation_id of this response; otherwise simply answer."
    )


def build_history(
    thread: Thread,
    *,
    token_budget: int,
    max_turns: int,
    files_block: str = "",
) -> ConversationHistory:
    """Format ``thread`` for the next model request, newest turns kept within ``token_budget``.

    ``files_block`` is the already embedded content of the thread's files (possibly empty);
    its tokens count against the same budget, as the original server does.
    """
    turns = thread.turns
    files = tuple(conversation_files(turns))
    if not turns:
        return ConversationHistory("", files, 0, 0, 0)

    head = [
        HISTORY_BEGIN,
        f"Thread: {thread.thread_id}",
        f"Started by tool: {thread.tool_name}",
        f"Turns so far: {len(turns)} of at most {max_turns}",
        "You are continuing this conversation; the earlier turns follow.",
        "",
    ]
    if files_block:
        head += [
            "=== FILES SHARED EARLIER IN THIS CONVERSATION ===",
            "Newest version of each file shared in earlier turns:",
            files_block,
            "=== END OF SHARED FILES ===",
            "",
        ]
    head.append("Earlier turns:")
    used = sum(estimate_tokens(part) for part in head)

    # Newest first for the budget, then reversed for reading order.
    kept: list[str] = []
    for index in range(len(turns) - 1, -1, -1):
        entry = "\n" + format_turn(index + 1, turns[index])
        cost = estimate_tokens(entry)
        if used + cost > token_budget:
            break
        kept.append(entry)
        used += cost
    kept.reverse()

    tail: list[str] = []
    if len(kept) < len(turns):
        tail.append(
            f"\n[Showing the {len(kept)} most recent of {len(turns)} turns; older ones exceed the budget.]"
        )
    tail += [
        "",
        HISTORY_END,
        "",
        "Build on the exchanges above without repeating them; the agent has read them. "
        f"This is turn {len(turns) + 1} of the conversation.",
    ]
    text = "\n".join([*head, *kept, *tail])
    return ConversationHistory(text, files, len(kept), len(turns), estimate_tokens(text))


__all__ = [
    "HISTORY_BEGIN",
    "HISTORY_END",
    "NEW_INPUT_MARKER",
    "ConversationHistory",
    "build_history",
    "conversation_files",
    "conversation_images",
    "follow_up_instructions",
    "format_turn",
    "last_model_used",
    "newest_first_unique",
]
