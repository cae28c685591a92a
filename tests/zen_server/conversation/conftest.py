"""Fixtures for conversation tests: a controllable clock, a recording observer, a small store."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator

import pytest

from zen_server.config import Settings
from zen_server.conversation.memory_store import BoundedMemoryStore
from zen_server.conversation.service import ConversationService
from zen_server.conversation.types import Thread, Turn
from zen_server.observability.events import RecordingObserver


class FakeClock:
    """Monotonic time that only moves when a test says so."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


_counter: Iterator[int] = itertools.count()


def make_turn(
    content: str = "hello", *, role: str = "user", files: tuple[str, ...] = (), tool: str = "chat"
) -> Turn:
    return Turn(
        role=role,  # type: ignore[arg-type]
        content=content,
        tool_name=tool,
        timestamp=float(next(_counter)),
        turn_id=uuid.uuid4().hex,
        files=files,
    )


def make_thread(thread_id: str | None = None, turns: tuple[Turn, ...] = ()) -> Thread:
    return Thread(
        thread_id=thread_id or str(uuid.uuid4()),
        tool_name="chat",
        created_at=0.0,
        last_updated_at=0.0,
        turns=turns,
    )


TurnFactory = Callable[..., Turn]
ThreadFactory = Callable[..., Thread]


@pytest.fixture(name="make_turn")
def make_turn_fixture() -> TurnFactory:
    return make_turn


@pytest.fixture(name="make_thread")
def make_thread_fixture() -> ThreadFactory:
    return make_thread


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def observer() -> RecordingObserver:
    return RecordingObserver()


@pytest.fixture
def store(clock: FakeClock, observer: RecordingObserver) -> BoundedMemoryStore:
    return BoundedMemoryStore(
        max_threads=100, byte_budget=10_000_000, ttl_s=3600.0, observer=observer, clock=clock
    )


@pytest.fixture
def settings() -> Settings:
    return Settings(max_conversation_turns=6)


@pytest.fixture
def service(
    store: BoundedMemoryStore, settings: Settings, observer: RecordingObserver
) -> ConversationService:
    return ConversationService(store, settings, observer)
