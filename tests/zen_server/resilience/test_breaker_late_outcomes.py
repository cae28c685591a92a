"""Outcomes that arrive late, after the breaker changed state, are never counted as evidence."""

from __future__ import annotations

import pytest

from zen_server.resilience.breaker import CircuitBreaker
from zen_server.resilience.clock import ManualClock


def _breaker(clock: ManualClock, **kw: float) -> CircuitBreaker:
    params: dict[str, float] = {"min_calls": 2, "window_s": 10.0, "open_s": 5.0, "consecutive_failures": 0}
    params.update(kw)
    return CircuitBreaker("gemini/pro", clock=clock, **params)  # type: ignore[arg-type]


@pytest.mark.parametrize("rate", [0.0, -0.5, 1.01])
def test_a_failure_rate_outside_zero_to_one_is_refused(rate: float) -> None:
    with pytest.raises(ValueError, match=r"failure_rate must be in \(0, 1\]"):
        CircuitBreaker("k", failure_rate=rate)


def _open(breaker: CircuitBreaker) -> None:
    for _ in range(2):
        assert breaker.acquire(provider="gemini") is False
        breaker.record(probe=False, failed=True)
    assert str(breaker.state) == "open"


def test_a_call_admitted_while_closed_that_ends_after_the_breaker_opened_changes_nothing(
    clock: ManualClock,
) -> None:
    breaker = _breaker(clock)
    assert breaker.acquire(provider="gemini") is False  # slow call in flight
    _open(breaker)
    opened_for = breaker.retry_after()
    breaker.record(probe=False, failed=False)  # the slow call succeeds late
    assert str(breaker.state) == "open"
    assert breaker.retry_after() == opened_for


def test_a_late_non_probe_outcome_in_half_open_neither_closes_nor_reopens(clock: ManualClock) -> None:
    breaker = _breaker(clock)
    assert breaker.acquire(provider="gemini") is False  # slow call in flight
    _open(breaker)
    clock.advance(5.0)
    assert str(breaker.state) == "half_open"
    breaker.record(probe=False, failed=False)
    assert str(breaker.state) == "half_open"
    breaker.record(probe=False, failed=True)
    assert str(breaker.state) == "half_open"
    assert breaker.acquire(provider="gemini") is True  # the probe slot is still free


def test_with_two_probes_required_one_success_keeps_the_breaker_half_open(clock: ManualClock) -> None:
    breaker = _breaker(clock, half_open_probes=2)
    _open(breaker)
    clock.advance(5.0)
    first = breaker.acquire(provider="gemini")
    second = breaker.acquire(provider="gemini")
    assert first and second
    breaker.record(probe=True, failed=False)
    assert str(breaker.state) == "half_open"
    breaker.record(probe=True, failed=False)
    assert str(breaker.state) == "closed"
