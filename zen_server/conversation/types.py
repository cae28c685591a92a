"""Conversation threads and turns, and the one small interface every store implements.

A thread is an ordered list of turns shared by every tool that continues it. Turns are
only ever appended, as whole exchanges (the user's turn and the model's answer together),
so a failing provider, a full queue or a dead store never leaves half an exchange behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

TurnRole = Literal["user", "assistant"]


@dataclass(frozen=True, slots=True)
class Turn:
    role: TurnRole
    content: str
    tool_name: str
    timestamp: float
    turn_id: str  # unique; lets the harness prove no turn was lost or duplicated
    files: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    provider: str | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class Thread:
    thread_id: str
    tool_name: str  # the tool that started it
    created_at: float
    last_updated_at: float
    turns: tuple[Turn, ...] = ()
    parent_thread_id: str | None = None
    # Tool-specific state that must survive between calls (e.g. workflow steps), JSON-safe.
    state: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoreStats:
    threads: int
    bytes: int
    evictions: int
    expirations: int


class ConversationStore(Protocol):
    """Storage for threads. Implementations: BoundedMemoryStore, RedisStore.

    ``get`` raises ThreadExpiredError for a thread it knows expired or was evicted and
    ThreadNotFoundError for one it never saw. ``append`` is atomic: all turns or none.
    """

    async def get(self, thread_id: str) -> Thread: ...

    async def create(self, thread: Thread) -> None: ...

    async def append(
        self,
        thread_id: str,
        turns: Sequence[Turn],
        *,
        max_turns: int,
        state: dict[str, object] | None = None,
    ) -> Thread: ...

    async def stats(self) -> StoreStats: ...

    async def ping(self) -> bool: ...

    async def aclose(self) -> None: ...
