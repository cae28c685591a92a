"""Admission, breaker guard and retry decision: work every provider call pays."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from pytest_benchmark.fixture import BenchmarkFixture

from zen_server.errors import TransientProviderError
from zen_server.resilience.admission import AdmissionController
from zen_server.resilience.breaker import CircuitBreaker
from zen_server.resilience.classify import classify
from zen_server.resilience.retry import RetryBudget, RetryPolicy

Drive = Callable[[Coroutine[Any, Any, Any]], Any]


def test_admission_uncontended(benchmark: BenchmarkFixture, drive: Drive) -> None:
    admission = AdmissionController(max_in_flight=50, max_queued=100, max_wait_s=5.0, session_limit=50)

    async def one_call() -> int:
        async with admission.admit(tool="chat", session_id="session-1"):
            return admission.in_flight

    assert benchmark(lambda: drive(one_call())) == 1
    assert admission.in_flight == 0  # every slot was given back


def test_breaker_guard_success(benchmark: BenchmarkFixture) -> None:
    breaker = CircuitBreaker("fake:model-a")

    def one_attempt() -> str:
        with breaker.guard(provider="fake", model="model-a"):
            return breaker.state

    assert benchmark(one_attempt) == "closed"


def test_retry_decision(benchmark: BenchmarkFixture) -> None:
    policy = RetryPolicy(budget=RetryBudget(0.2), random=lambda: 0.5)
    error = TransientProviderError("503 from fake", provider="fake", model="model-a", status=503)

    def decide() -> float:
        decision = classify(error)
        policy.budget.record_request()  # type: ignore[union-attr]
        return policy.delay_for(2, None) if decision.retryable else -1.0

    assert benchmark(decide) == 0.5  # half of the second retry's 1 s cap
