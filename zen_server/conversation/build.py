"""Which conversation store a server gets, and how it gives memory back under pressure."""

from __future__ import annotations

from zen_server.config import Settings
from zen_server.conversation.memory_store import BoundedMemoryStore
from zen_server.conversation.redis_store import RedisStore
from zen_server.conversation.types import ConversationStore
from zen_server.observability.hub import ObservabilityHub
from zen_server.resilience.memory import MemoryGuard, MemoryLevel, PressureCallback


def build_store(settings: Settings, hub: ObservabilityHub, memory_guard: MemoryGuard) -> ConversationStore:
    """Redis in distributed mode; else the bounded in-memory store, which sheds threads when
    the memory guard reports pressure (Redis holds its threads outside this process)."""
    if settings.distributed_mode:
        return RedisStore.from_settings(settings, hub)
    store = BoundedMemoryStore.from_settings(settings, hub)
    memory_guard.on_pressure(_shed_threads(store))
    return store


def _shed_threads(store: BoundedMemoryStore) -> PressureCallback:
    def shed(level: MemoryLevel) -> None:
        store.shed(0.5 if level == "critical" else 0.2)

    return shed
