"""What tools and the conversation service share: the exchange a tool asks to record, and the
read-only view of threads a tool is given.

They live here, below ``tools``, so the tower stands: tools import conversation, never the
other way round (``conversation.service`` records an ``ExchangeDraft`` and implements
``ConversationReader``).
"""

from __future__ import annotations

from dataclasses import dataclass

from zen_server.conversation.types import Thread


@dataclass(frozen=True, slots=True)
class ExchangeDraft:
    """The exchange a tool wants appended to its thread: the user's side and the answer."""

    user_content: str
    assistant_content: str
    files: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    # Replaces the thread's tool state when set (workflow step tracking).
    state: dict[str, object] | None = None


class ConversationReader:
    """What a tool may do with threads: read one. Writing is the executor's job."""

    async def load(self, continuation_id: str) -> Thread:  # pragma: no cover - interface
        raise NotImplementedError


__all__ = ["ConversationReader", "ExchangeDraft"]
