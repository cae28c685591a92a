"""PrometheusObserver: each event lands in its named series with the right labels."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from zen_server.observability.events import (
    BreakerTransition,
    FallbackTaken,
    ProviderAttempt,
    RequestRejected,
    RetryScheduled,
    SystemEvent,
    ThreadsEvicted,
    ToolCallFinished,
    ToolOutcome,
)
from zen_server.observability.metrics import PrometheusObserver


def value(obs: PrometheusObserver, name: str, **labels: str) -> float | None:
    return obs.registry.get_sample_value(name, labels)


def call(tool: str = "chat", outcome: ToolOutcome = "success", duration: float = 0.3) -> ToolCallFinished:
    return ToolCallFinished(
        request_id="r1",
        session_id="s1",
        tool=tool,
        outcome=outcome,
        duration_s=duration,
        provider="openai",
        model="gpt-5",
        input_tokens=10,
        output_tokens=4,
    )


def test_tool_calls_are_counted_by_tool_and_outcome_with_latency_histogram() -> None:
    obs = PrometheusObserver(process_metrics=False)
    for _ in range(3):
        obs.emit(call())
    obs.emit(call(outcome="error", duration=2.5))
    obs.emit(call(tool="thinkdeep"))
    assert value(obs, "zen_tool_calls_total", tool="chat", outcome="success") == 3
    assert value(obs, "zen_tool_calls_total", tool="chat", outcome="error") == 1
    assert value(obs, "zen_tool_calls_total", tool="thinkdeep", outcome="success") == 1
    assert value(obs, "zen_tool_duration_seconds_count", tool="chat") == 4
    assert value(obs, "zen_tool_duration_seconds_bucket", tool="chat", le="2.0") == 3
    assert value(obs, "zen_tool_tokens_total", tool="chat", direction="input") == 40


def test_provider_attempts_are_counted_by_provider_model_and_status() -> None:
    obs = PrometheusObserver(process_metrics=False)
    obs.emit(ProviderAttempt("openai", "gpt-5", "ok", 0.2))
    obs.emit(ProviderAttempt("openai", "gpt-5", "503", 0.1))
    obs.emit(ProviderAttempt("openai", "gpt-5", "503", 0.1))
    assert value(obs, "zen_provider_requests_total", provider="openai", model="gpt-5", status="503") == 2
    assert value(obs, "zen_provider_request_duration_seconds_count", provider="openai", model="gpt-5") == 3


def test_resilience_events_feed_their_counters_and_breaker_gauge() -> None:
    obs = PrometheusObserver(process_metrics=False)
    obs.emit(BreakerTransition("gemini", "closed", "open", "failure rate 0.8"))
    obs.emit(RetryScheduled("gemini", "flash", 1, 0.5, "503"))
    obs.emit(FallbackTaken("gemini", "openai", "gpt-5", "breaker open"))
    obs.emit(RequestRejected("queue_full", tool="chat"))
    obs.emit(ThreadsEvicted("lru", 7))
    obs.emit(SystemEvent("startup"))
    assert value(obs, "zen_breaker_state", key="gemini") == 2
    assert value(obs, "zen_breaker_transitions_total", key="gemini", to_state="open") == 1
    assert value(obs, "zen_retries_total", provider="gemini") == 1
    assert value(obs, "zen_fallbacks_total", from_provider="gemini", to_provider="openai") == 1
    assert value(obs, "zen_rejections_total", reason="queue_full") == 1
    assert value(obs, "zen_evictions_total", reason="lru") == 7
    assert value(obs, "zen_system_events_total", kind="startup") == 1
    obs.emit(BreakerTransition("gemini", "open", "half_open", "cool-down over"))
    assert value(obs, "zen_breaker_state", key="gemini") == 1


def test_gauges_map_contract_names_to_metric_names_and_ignore_unknown() -> None:
    obs = PrometheusObserver(process_metrics=False)
    obs.set_gauge("in_flight", 5)
    obs.set_gauge("queued", 2)
    obs.set_gauge("provider_in_flight", 3, provider="xai")
    obs.set_gauge("store_threads", 11)
    obs.set_gauge("store_bytes", 2048)
    obs.set_gauge("store_tombstone_bytes", 800_000)
    obs.set_gauge("process_rss_bytes", 1e8)
    obs.set_gauge("event_loop_lag_seconds", 0.004)
    obs.set_gauge("breaker_state", 2, key="openai/gpt-5")
    obs.set_gauge("no_such_gauge", 1)  # must not raise
    assert value(obs, "zen_in_flight_requests") == 5
    assert value(obs, "zen_queued_requests") == 2
    assert value(obs, "zen_provider_in_flight_requests", provider="xai") == 3
    assert value(obs, "zen_store_threads") == 11
    assert value(obs, "zen_store_bytes") == 2048
    assert value(obs, "zen_store_tombstone_bytes") == 800_000
    assert value(obs, "zen_process_resident_memory_bytes") == 1e8
    assert value(obs, "zen_event_loop_lag_seconds") == 0.004
    assert value(obs, "zen_breaker_state", key="openai/gpt-5") == 2


def test_registries_are_per_observer_so_two_never_share_series() -> None:
    a = PrometheusObserver(CollectorRegistry(), process_metrics=True)
    b = PrometheusObserver(process_metrics=True)
    a.emit(call())
    assert value(b, "zen_tool_calls_total", tool="chat", outcome="success") is None
    body, content_type = a.exposition()
    assert content_type.startswith("text/plain")
    assert b'zen_tool_calls_total{outcome="success",tool="chat"} 1.0' in body
    assert b"process_resident_memory_bytes" in body
