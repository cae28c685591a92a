"""The events the server reports, and the Observer that receives them.

Code on the call path (executor, gateway, breakers, store, admission) reports what
happened through one :class:`Observer`; metrics, the audit log and structured logs are
observers. Reporting never raises into the call path and never blocks it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Literal, Protocol

ToolOutcome = Literal["success", "error", "rejected", "deadline", "cancelled"]
BreakerState = Literal["closed", "open", "half_open"]
StoreOutcome = Literal["ok", "error", "refused"]


@dataclass(frozen=True, slots=True)
class ToolCallStarted:
    """A tool call began (before admission); its ToolCallFinished always follows, so live
    views can tell which calls are in flight, and for how long (a hang shows there)."""

    request_id: str
    session_id: str | None
    tool: str


@dataclass(frozen=True, slots=True)
class ToolCallFinished:
    request_id: str
    session_id: str | None
    tool: str
    outcome: ToolOutcome
    duration_s: float
    provider: str | None = None
    model: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    arguments_digest: str = ""  # sha256 of the canonical JSON of the arguments, never the arguments
    error_type: str | None = None
    error_message: str | None = None
    continuation_id: str | None = None
    cached: bool = False  # the model's answer came from the response cache


@dataclass(frozen=True, slots=True)
class ProviderAttempt:
    provider: str
    model: str
    status: str  # "ok", an HTTP status code as text, "timeout", "connect_error", "malformed"
    duration_s: float
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class DeploymentAttempt:
    """One attempt on a deployment of ZEN_DEPLOYMENTS (beside its ProviderAttempt)."""

    deployment: str
    region: str
    model: str
    status: str  # as ProviderAttempt's
    duration_s: float
    ejected_for_s: float | None = None  # this outcome ejected the deployment for so long


@dataclass(frozen=True, slots=True)
class BreakerTransition:
    key: str  # "openai" or "openai/gpt-5"
    from_state: BreakerState
    to_state: BreakerState
    reason: str


@dataclass(frozen=True, slots=True)
class RetryScheduled:
    provider: str
    model: str
    attempt: int
    delay_s: float
    reason: str


@dataclass(frozen=True, slots=True)
class FallbackTaken:
    from_provider: str
    to_provider: str
    model: str
    reason: str


@dataclass(frozen=True, slots=True)
class RequestRejected:
    reason: Literal["queue_full", "queue_timeout", "session_limit", "memory_critical", "provider_busy"]
    tool: str | None = None
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class ThreadsEvicted:
    reason: Literal["ttl", "lru", "bytes", "memory_pressure"]
    count: int
    thread_ids: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class StoreOperation:
    """One conversation store operation (Redis): its outcome and how long it took."""

    operation: str  # get, create, append, ping, stats
    outcome: StoreOutcome  # refused: the store breaker was open
    seconds: float


@dataclass(frozen=True, slots=True)
class SystemEvent:
    kind: Literal["startup", "shutdown", "memory_pressure", "store_unavailable", "store_recovered"]
    detail: dict[str, object] = field(default_factory=dict)


Event = (
    ToolCallStarted
    | ToolCallFinished
    | ProviderAttempt
    | DeploymentAttempt
    | BreakerTransition
    | RetryScheduled
    | FallbackTaken
    | RequestRejected
    | ThreadsEvicted
    | StoreOperation
    | SystemEvent
)


class Observer(Protocol):
    def emit(self, event: Event) -> None:
        """Record ``event``. Must be cheap, synchronous, and must not raise."""
        ...

    def set_gauge(self, name: str, value: float, **labels: str) -> None:
        """Report a level (in flight, queued, store bytes, RSS, breaker state...)."""
        ...


class NullObserver:
    def emit(self, event: Event) -> None:
        return None

    def set_gauge(self, name: str, value: float, **labels: str) -> None:
        return None


class RecordingObserver:
    """Keeps every event in a list; for tests."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.gauges: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def set_gauge(self, name: str, value: float, **labels: str) -> None:
        self.gauges[(name, tuple(sorted(labels.items())))] = value

    def of_type(self, kind: type[Event]) -> list[Event]:
        return [e for e in self.events if isinstance(e, kind)]


class FanOutObserver:
    """Sends each event to several observers; one failing observer never affects the others."""

    def __init__(self, *observers: Observer) -> None:
        self._observers = observers

    def emit(self, event: Event) -> None:
        for observer in self._observers:
            # Observability must never break a call.
            with contextlib.suppress(Exception):
                observer.emit(event)

    def set_gauge(self, name: str, value: float, **labels: str) -> None:
        for observer in self._observers:
            with contextlib.suppress(Exception):
                observer.set_gauge(name, value, **labels)


GAUGE_NAMES = (
    "in_flight",  # tool calls running now
    "queued",  # tool calls waiting for admission
    "provider_in_flight",  # labels: provider
    "breaker_state",  # labels: key; 0 closed, 1 half_open, 2 open
    "store_threads",
    "store_bytes",
    "store_breaker_state",  # 0 closed, 1 half_open, 2 open (Redis store only)
    "process_rss_bytes",
    "event_loop_lag_seconds",
)
