"""Conversation threads: storage, continuation, and history rebuilt for the next request.

Public names are re-exported here; the modules behind them may change freely.
"""

from zen_server.conversation.budget import TokenBudget, estimate_tokens
from zen_server.conversation.history import (
    ConversationHistory,
    build_history,
    conversation_files,
    conversation_images,
    follow_up_instructions,
    last_model_used,
)
from zen_server.conversation.memory_store import BoundedMemoryStore, thread_bytes, trim_process_heap
from zen_server.conversation.service import ConversationService, RecordedExchange, validate_continuation_id
from zen_server.conversation.types import ConversationStore, StoreStats, Thread, Turn

__all__ = [
    "BoundedMemoryStore",
    "ConversationHistory",
    "ConversationService",
    "ConversationStore",
    "RecordedExchange",
    "StoreStats",
    "Thread",
    "TokenBudget",
    "Turn",
    "build_history",
    "conversation_files",
    "conversation_images",
    "estimate_tokens",
    "follow_up_instructions",
    "last_model_used",
    "thread_bytes",
    "trim_process_heap",
    "validate_continuation_id",
]
