"""Prometheus metrics: the :class:`PrometheusObserver` turns events and gauges into series.

Owns every metric name the server exposes (listed in docs/observability.md). Metrics live
in a per-hub ``CollectorRegistry`` so several apps (or tests) in one process never collide.
Labels are bounded on purpose: tool, provider, model and breaker key come from the
registry and the catalog; session and request ids never become labels.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

from zen_server.observability.events import (
    BreakerState,
    BreakerTransition,
    DeploymentAttempt,
    Event,
    FallbackTaken,
    ProviderAttempt,
    RequestRejected,
    RetryScheduled,
    StoreOperation,
    SystemEvent,
    ThreadsEvicted,
    ToolCallFinished,
)

# Tool calls span sub-second answers to multi-minute consensus runs; 2 s is the plan's p95 target.
# Loopback Redis answers in well under a millisecond; the top buckets catch an op timeout.
STORE_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
TOOL_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
PROVIDER_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)

BREAKER_STATE_VALUES: dict[BreakerState, float] = {"closed": 0.0, "half_open": 1.0, "open": 2.0}


class PrometheusObserver:
    """An Observer that records into its own registry; ``exposition()`` renders it."""

    def __init__(self, registry: CollectorRegistry | None = None, *, process_metrics: bool = True) -> None:
        self.registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
        r = self.registry
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}
        if process_metrics:
            # Standard process_* series (RSS, CPU, open fds), read at scrape time.
            ProcessCollector(registry=r)
        self.tool_calls = Counter(
            "zen_tool_calls_total",
            "Tool calls finished, by tool and outcome.",
            ["tool", "outcome"],
            registry=r,
        )
        self.tool_duration = Histogram(
            "zen_tool_duration_seconds",
            "Tool call duration, admission to result.",
            ["tool"],
            buckets=TOOL_BUCKETS,
            registry=r,
        )
        self.tool_tokens = Counter(
            "zen_tool_tokens_total", "Model tokens used by tool calls.", ["tool", "direction"], registry=r
        )
        self.provider_requests = Counter(
            "zen_provider_requests_total",
            "HTTP attempts to model providers, by provider, model and status.",
            ["provider", "model", "status"],
            registry=r,
        )
        self.provider_duration = Histogram(
            "zen_provider_request_duration_seconds",
            "Duration of one provider HTTP attempt.",
            ["provider", "model"],
            buckets=PROVIDER_BUCKETS,
            registry=r,
        )
        self.deployment_requests = Counter(
            "zen_deployment_requests_total",
            "Attempts per deployment of ZEN_DEPLOYMENTS, by outcome (share: its rate over the sum).",
            ["deployment", "region", "status"],
            registry=r,
        )
        self.deployment_ejections = Counter(
            "zen_deployment_ejections_total",
            "Outlier ejections per deployment.",
            ["deployment", "region"],
            registry=r,
        )
        self.deployment_in_flight = Gauge(
            "zen_deployment_in_flight",
            "Attempts in flight per deployment.",
            ["deployment", "region"],
            registry=r,
        )
        self.deployment_latency = Gauge(
            "zen_deployment_ewma_latency_seconds",
            "Peak-EWMA latency the router sees per deployment.",
            ["deployment", "region"],
            registry=r,
        )
        self.in_flight = Gauge("zen_in_flight_requests", "Tool calls running now.", registry=r)
        self.queued = Gauge("zen_queued_requests", "Tool calls waiting for admission.", registry=r)
        self.capacity = Gauge(
            "zen_capacity_requests",
            "Tool calls this instance runs at once (MAX_CONCURRENT_REQUESTS).",
            registry=r,
        )
        self.utilisation = Gauge(
            "zen_utilisation_ratio",
            "(running + queued calls) / capacity; above 1 means calls wait.",
            registry=r,
        )
        self.provider_in_flight = Gauge(
            "zen_provider_in_flight_requests", "Provider attempts running now.", ["provider"], registry=r
        )
        self.rejections = Counter(
            "zen_rejections_total", "Tool calls refused by admission control.", ["reason"], registry=r
        )
        self.breaker_state = Gauge(
            "zen_breaker_state", "Circuit breaker state: 0 closed, 1 half open, 2 open.", ["key"], registry=r
        )
        self.breaker_transitions = Counter(
            "zen_breaker_transitions_total",
            "Circuit breaker state changes, by breaker and new state.",
            ["key", "to_state"],
            registry=r,
        )
        self.retries = Counter("zen_retries_total", "Provider retries scheduled.", ["provider"], registry=r)
        self.fallbacks = Counter(
            "zen_fallbacks_total",
            "Calls moved to another provider.",
            ["from_provider", "to_provider"],
            registry=r,
        )
        self.store_threads = Gauge("zen_store_threads", "Conversation threads held.", registry=r)
        self.store_bytes = Gauge("zen_store_bytes", "Bytes held by the conversation store.", registry=r)
        self.store_operations = Counter(
            "zen_store_operations_total",
            "Conversation store (Redis) operations, by operation and outcome.",
            ["operation", "outcome"],
            registry=r,
        )
        self.store_duration = Histogram(
            "zen_store_operation_duration_seconds",
            "Duration of one conversation store (Redis) operation.",
            ["operation"],
            buckets=STORE_BUCKETS,
            registry=r,
        )
        self.store_breaker = Gauge(
            "zen_store_breaker_state",
            "Conversation store breaker: 0 closed, 1 half open, 2 open.",
            registry=r,
        )
        self.store_tombstone_bytes = Gauge(
            "zen_store_tombstone_bytes",
            "Bytes held by the store's ring of evicted thread ids (fixed at start-up).",
            registry=r,
        )
        self.evictions = Counter(
            "zen_evictions_total", "Conversation threads evicted, by reason.", ["reason"], registry=r
        )
        self.rss = Gauge(
            "zen_process_resident_memory_bytes",
            "Resident memory as last sampled by the server (what the memory guard acts on).",
            registry=r,
        )
        self.loop_lag = Gauge(
            "zen_event_loop_lag_seconds",
            "How late the event loop ran a timer at the last sample.",
            registry=r,
        )
        self.system_events = Counter(
            "zen_system_events_total", "Lifecycle and health events, by kind.", ["kind"], registry=r
        )

    # --- Observer ----------------------------------------------------------------------
    def _child(self, metric: Counter | Histogram | Gauge, *labels: str) -> Any:
        # labels() costs a lock and a tuple check each time; label sets are few, so cache them.
        key = (id(metric), labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def emit(self, event: Event) -> None:
        child = self._child
        if isinstance(event, ToolCallFinished):
            child(self.tool_calls, event.tool, event.outcome).inc()
            child(self.tool_duration, event.tool).observe(event.duration_s)
            if event.input_tokens:
                child(self.tool_tokens, event.tool, "input").inc(event.input_tokens)
            if event.output_tokens:
                child(self.tool_tokens, event.tool, "output").inc(event.output_tokens)
        elif isinstance(event, ProviderAttempt):
            child(self.provider_requests, event.provider, event.model, event.status).inc()
            child(self.provider_duration, event.provider, event.model).observe(event.duration_s)
        elif isinstance(event, DeploymentAttempt):
            child(self.deployment_requests, event.deployment, event.region, event.status).inc()
            if event.ejected_for_s is not None:
                child(self.deployment_ejections, event.deployment, event.region).inc()
        elif isinstance(event, BreakerTransition):
            child(self.breaker_transitions, event.key, event.to_state).inc()
            child(self.breaker_state, event.key).set(BREAKER_STATE_VALUES[event.to_state])
        elif isinstance(event, RetryScheduled):
            child(self.retries, event.provider).inc()
        elif isinstance(event, FallbackTaken):
            child(self.fallbacks, event.from_provider, event.to_provider).inc()
        elif isinstance(event, RequestRejected):
            child(self.rejections, event.reason).inc()
        elif isinstance(event, ThreadsEvicted):
            child(self.evictions, event.reason).inc(event.count)
        elif isinstance(event, StoreOperation):
            child(self.store_operations, event.operation, event.outcome).inc()
            if event.outcome != "refused":
                child(self.store_duration, event.operation).observe(event.seconds)
        elif isinstance(event, SystemEvent):
            child(self.system_events, event.kind).inc()

    def set_gauge(self, name: str, value: float, **labels: str) -> None:
        if name == "in_flight":
            self.in_flight.set(value)
        elif name == "queued":
            self.queued.set(value)
        elif name == "capacity":
            self.capacity.set(value)
        elif name == "utilisation":
            self.utilisation.set(value)
        elif name == "provider_in_flight":
            self._child(self.provider_in_flight, labels.get("provider", "unknown")).set(value)
        elif name in ("deployment_in_flight", "deployment_ewma_latency_seconds"):
            metric = self.deployment_in_flight if name == "deployment_in_flight" else self.deployment_latency
            self._child(metric, labels.get("deployment", "unknown"), labels.get("region", "unknown")).set(
                value
            )
        elif name == "breaker_state":
            self._child(self.breaker_state, labels.get("key", "unknown")).set(value)
        elif name == "store_threads":
            self.store_threads.set(value)
        elif name == "store_bytes":
            self.store_bytes.set(value)
        elif name == "store_breaker_state":
            self.store_breaker.set(value)
        elif name == "store_tombstone_bytes":
            self.store_tombstone_bytes.set(value)
        elif name == "process_rss_bytes":
            self.rss.set(value)
        elif name == "event_loop_lag_seconds":
            self.loop_lag.set(value)
        # Unknown names are ignored: reporting must never fail the caller.

    # --- exposition --------------------------------------------------------------------
    def exposition(self) -> tuple[bytes, str]:
        """The text exposition format and its content type, for ``/metrics``."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
