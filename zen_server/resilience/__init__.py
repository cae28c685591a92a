"""Resilience policy: deadlines, admission, bulkheads, rate limits, breakers, retries, memory.

Pure policy: nothing here knows a transport or a provider's wire format. Each module states
its cancellation and timeout semantics in its docstring; tests pin them.
"""

from zen_server.resilience.admission import AdmissionController
from zen_server.resilience.breaker import CircuitBreaker
from zen_server.resilience.bulkhead import Bulkhead
from zen_server.resilience.classify import (
    Decision,
    classify,
    parse_duration,
    parse_retry_after,
    retry_hint_from_message,
)
from zen_server.resilience.clock import ManualClock
from zen_server.resilience.deadline import current_deadline, deadline_scope, remaining
from zen_server.resilience.memory import MemoryGuard, MemoryLevel
from zen_server.resilience.ratelimit import RateLimiter
from zen_server.resilience.retry import RetryBudget, RetryPolicy

__all__ = [
    "AdmissionController",
    "Bulkhead",
    "CircuitBreaker",
    "Decision",
    "ManualClock",
    "MemoryGuard",
    "MemoryLevel",
    "RateLimiter",
    "RetryBudget",
    "RetryPolicy",
    "classify",
    "current_deadline",
    "deadline_scope",
    "parse_duration",
    "parse_retry_after",
    "remaining",
    "retry_hint_from_message",
]
