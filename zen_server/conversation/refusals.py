"""The refusals every conversation store gives in the same words, whichever store it is.

A client sees the same error for the same problem on one instance (memory) or a cluster
(Redis); the store-specific ones (budgets, a missing or unreadable thread) stay with their
store.
"""

from __future__ import annotations

from zen_server.errors import StorageError, ThreadTurnLimitError


def turn_limit_reached(thread_id: str, turns: int, max_turns: int) -> ThreadTurnLimitError:
    return ThreadTurnLimitError(
        f"conversation {thread_id} already has {turns} turns and "
        f"MAX_CONVERSATION_TURNS is {max_turns}; start a new conversation without "
        "continuation_id and summarise what matters from this one in the prompt"
    )


def thread_exists(thread_id: str) -> StorageError:
    return StorageError(f"thread {thread_id} already exists; nothing was written")
