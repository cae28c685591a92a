"""The Redis store's operations, breaker state and audit edges in metrics and the audit log."""

from __future__ import annotations

from zen_server.observability.events import StoreOperation
from zen_server.observability.metrics import PrometheusObserver


def value(obs: PrometheusObserver, name: str, **labels: str) -> float | None:
    return obs.registry.get_sample_value(name, labels)


def test_store_operations_are_counted_by_outcome_and_timed_unless_refused() -> None:
    obs = PrometheusObserver(process_metrics=False)
    obs.emit(StoreOperation(operation="append", outcome="ok", seconds=0.0004))
    obs.emit(StoreOperation(operation="append", outcome="error", seconds=1.0))
    obs.emit(StoreOperation(operation="get", outcome="refused", seconds=0.0))
    assert value(obs, "zen_store_operations_total", operation="append", outcome="ok") == 1
    assert value(obs, "zen_store_operations_total", operation="append", outcome="error") == 1
    assert value(obs, "zen_store_operations_total", operation="get", outcome="refused") == 1
    assert value(obs, "zen_store_operation_duration_seconds_count", operation="append") == 2
    assert value(obs, "zen_store_operation_duration_seconds_bucket", operation="append", le="0.0005") == 1
    assert (
        value(obs, "zen_store_operation_duration_seconds_count", operation="get") is None
    )  # refused: no time


def test_the_store_breaker_state_is_a_gauge() -> None:
    obs = PrometheusObserver(process_metrics=False)
    obs.set_gauge("store_breaker_state", 2.0)
    assert value(obs, "zen_store_breaker_state") == 2.0
