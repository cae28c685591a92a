"""ConversationService: loading threads for tools and recording finished exchanges.

Tools read a thread through :meth:`ConversationService.load`; the executor, once a tool
returned, calls :meth:`record_exchange` to append the user's turn and the model's answer
together (one atomic store call) or to start a new thread with them. Whatever the store,
a continuation that cannot be served raises a ThreadError whose message tells the client
to start over without ``continuation_id``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from zen_server.config import Settings
from zen_server.conversation.exchange import ConversationReader, ExchangeDraft
from zen_server.conversation.types import ConversationStore, Thread, Turn
from zen_server.errors import ThreadNotFoundError
from zen_server.observability.events import NullObserver, Observer
from zen_server.providers.types import ModelResponse


@dataclass(frozen=True, slots=True)
class RecordedExchange:
    """Where an exchange landed: the thread to continue and how much room it has left."""

    thread_id: str
    turn_count: int
    remaining_turns: int


@runtime_checkable
class _SweepingStore(Protocol):
    def start(self) -> None: ...


@runtime_checkable
class _ConnectingStore(Protocol):
    async def open(self) -> None: ...


def validate_continuation_id(continuation_id: str) -> str:
    """Return the canonical form of a UUID continuation_id, or raise ThreadNotFoundError."""
    try:
        return str(uuid.UUID(continuation_id.strip()))
    except (ValueError, AttributeError) as exc:
        raise ThreadNotFoundError(
            f"continuation_id {continuation_id!r} is not a conversation id (expected the UUID a previous "
            "response returned in continuation_offer); start a new conversation without continuation_id"
        ) from exc


class ConversationService(ConversationReader):
    """The conversation layer as tools and the executor see it."""

    def __init__(
        self,
        store: ConversationStore,
        settings: Settings,
        observer: Observer | None = None,
        *,
        clock: Callable[[], float] = time.time,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._store = store
        self._settings = settings
        self._observer: Observer = observer or NullObserver()
        self._clock = clock
        self._new_id = new_id

    @property
    def store(self) -> ConversationStore:
        return self._store

    @property
    def max_turns(self) -> int:
        return self._settings.max_conversation_turns

    async def start(self) -> None:
        """Connect a shared store (ConfigurationError if unreachable); start a TTL sweeper, if any."""
        if isinstance(self._store, _ConnectingStore):
            await self._store.open()
        if isinstance(self._store, _SweepingStore):
            self._store.start()

    async def aclose(self) -> None:
        await self._store.aclose()

    async def load(self, continuation_id: str) -> Thread:
        """The thread behind ``continuation_id``.

        Raises ThreadNotFoundError (malformed or unknown id) or ThreadExpiredError (expired
        or evicted), each telling the client to start a new conversation.
        """
        return await self._store.get(validate_continuation_id(continuation_id))

    async def record_exchange(
        self,
        continuation_id: str | None,
        tool_name: str,
        exchange: ExchangeDraft,
        response: ModelResponse | None,
    ) -> RecordedExchange:
        """Append the user turn and the answer together; start a thread when there is none.

        Raises ThreadTurnLimitError when the thread is full and ThreadExpiredError when it
        vanished since the tool loaded it; either way nothing is written.
        """
        now = self._clock()
        turns = (
            Turn(
                role="user",
                content=exchange.user_content,
                tool_name=tool_name,
                timestamp=now,
                turn_id=self._new_id(),
                files=exchange.files,
                images=exchange.images,
            ),
            Turn(
                role="assistant",
                content=exchange.assistant_content,
                tool_name=tool_name,
                timestamp=now,
                turn_id=self._new_id(),
                provider=response.provider if response else None,
                model=response.model if response else None,
            ),
        )
        if continuation_id is None:
            thread = Thread(
                thread_id=self._new_id(),
                tool_name=tool_name,
                created_at=now,
                last_updated_at=now,
                turns=turns,
                state=dict(exchange.state or {}),
            )
            await self._store.create(thread)
        else:
            thread = await self._store.append(
                validate_continuation_id(continuation_id),
                turns,
                max_turns=self.max_turns,
                state=exchange.state,
            )
        count = len(thread.turns)
        return RecordedExchange(thread.thread_id, count, max(0, self.max_turns - count))


__all__ = ["ConversationService", "RecordedExchange", "validate_continuation_id"]
