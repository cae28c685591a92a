from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zen_server.errors import CircuitOpenError, PermanentProviderError, TransientProviderError
from zen_server.observability.events import BreakerTransition, RecordingObserver
from zen_server.resilience.breaker import CircuitBreaker
from zen_server.resilience.clock import ManualClock


def make(clock: ManualClock, observer: RecordingObserver | None = None, **kw: float) -> CircuitBreaker:
    params: dict[str, float] = {
        "failure_rate": 0.5,
        "min_calls": 4,
        "window_s": 10.0,
        "open_s": 5.0,
        "max_open_s": 20.0,
    }
    params.update(kw)
    return CircuitBreaker("openai/gpt-5", observer=observer, clock=clock, **params)  # type: ignore[arg-type]


def state_of(breaker: CircuitBreaker) -> str:
    """The state as plain text (the property's Literal type would make mypy narrow it)."""
    return str(breaker.state)


def fail(breaker: CircuitBreaker) -> None:
    with pytest.raises(TransientProviderError), breaker.guard(provider="openai", model="gpt-5"):
        raise TransientProviderError("boom", provider="openai", model="gpt-5", status=503)


def succeed(breaker: CircuitBreaker) -> None:
    with breaker.guard(provider="openai", model="gpt-5"):
        pass


def test_breaker_opens_after_failure_rate_exceeds_threshold(
    clock: ManualClock, observer: RecordingObserver
) -> None:
    breaker = make(clock, observer)
    succeed(breaker)
    succeed(breaker)
    fail(breaker)
    assert state_of(breaker) == "closed"  # 1/3 failed, under min_calls anyway
    fail(breaker)  # 2/4 = 0.5 reaches the threshold
    assert state_of(breaker) == "open"
    transitions = observer.of_type(BreakerTransition)
    assert [(t.from_state, t.to_state) for t in transitions] == [("closed", "open")]  # type: ignore[union-attr]
    assert observer.gauges[("breaker_state", (("key", "openai/gpt-5"),))] == 2.0


def test_breaker_stays_closed_below_minimum_calls(clock: ManualClock) -> None:
    breaker = make(clock, min_calls=5)
    for _ in range(4):
        fail(breaker)
    assert state_of(breaker) == "closed"


def test_breaker_forgets_failures_older_than_window(clock: ManualClock) -> None:
    breaker = make(clock)
    for _ in range(3):
        fail(breaker)
    clock.advance(11)
    fail(breaker)
    assert state_of(breaker) == "closed"  # only one failure left in the window


def test_open_breaker_refuses_calls_with_retry_after(clock: ManualClock) -> None:
    breaker = make(clock, min_calls=1)
    fail(breaker)
    clock.advance(2)
    with pytest.raises(CircuitOpenError) as info, breaker.guard(provider="openai", model="gpt-5"):
        pytest.fail("must not run")
    assert info.value.retry_after == pytest.approx(3.0)
    assert str(info.value).startswith(
        "the circuit breaker for openai/gpt-5 is open after repeated failures; "
        "not calling openai (retry in 3.0 s)"
    )


def test_a_provider_breaker_is_named_once_in_its_refusal(clock: ManualClock) -> None:
    breaker = CircuitBreaker("openai", clock=clock, min_calls=1)
    fail(breaker)
    with pytest.raises(CircuitOpenError) as info, breaker.guard(provider="openai"):
        pytest.fail("must not run")
    assert str(info.value).startswith("the circuit breaker for openai is open")
    assert "openai circuit breaker 'openai'" not in str(info.value)


def test_permanent_errors_do_not_open_breaker(clock: ManualClock) -> None:
    breaker = make(clock, min_calls=1)
    for _ in range(10):
        with pytest.raises(PermanentProviderError), breaker.guard(provider="openai"):
            raise PermanentProviderError("400", provider="openai", status=400)
    assert state_of(breaker) == "closed"


def test_half_open_probe_success_closes_and_resets_open_duration(clock: ManualClock) -> None:
    breaker = make(clock, min_calls=1)
    fail(breaker)
    clock.advance(5)
    assert state_of(breaker) == "half_open"
    succeed(breaker)
    assert state_of(breaker) == "closed"
    fail(breaker)
    assert breaker.open_duration == 5.0


def test_half_open_probe_failure_reopens_with_doubled_duration_up_to_max(clock: ManualClock) -> None:
    breaker = make(clock, min_calls=1)
    fail(breaker)
    durations = [breaker.open_duration]
    for _ in range(4):
        clock.advance(breaker.open_duration)
        fail(breaker)  # probe fails
        durations.append(breaker.open_duration)
    assert durations == [5.0, 10.0, 20.0, 20.0, 20.0]


def test_half_open_admits_only_limited_probes(clock: ManualClock) -> None:
    breaker = make(clock, min_calls=1, half_open_probes=2)
    fail(breaker)
    clock.advance(5)
    assert breaker.acquire(provider="openai") is True
    assert breaker.acquire(provider="openai") is True
    with pytest.raises(CircuitOpenError, match="probe is already in flight"):
        breaker.acquire(provider="openai")


def test_cancelled_probe_gives_its_slot_back_without_verdict(clock: ManualClock) -> None:
    breaker = make(clock, min_calls=1)
    fail(breaker)
    clock.advance(5)
    with pytest.raises(KeyboardInterrupt), breaker.guard(provider="openai"):
        raise KeyboardInterrupt  # stands in for cancellation: no verdict
    assert state_of(breaker) == "half_open"
    succeed(breaker)  # the slot is free again
    assert state_of(breaker) == "closed"


def test_nested_open_breaker_is_not_counted_as_failure_of_outer(clock: ManualClock) -> None:
    outer = make(clock, min_calls=1)
    with pytest.raises(CircuitOpenError), outer.guard(provider="openai"):
        raise CircuitOpenError("inner open", provider="openai")
    assert outer.state == "closed"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["ok", "transient", "permanent"]), st.floats(0, 8)), max_size=60))
def test_breaker_state_machine_invariants(steps: list[tuple[str, float]]) -> None:
    clock = ManualClock()
    observer = RecordingObserver()
    breaker = make(clock, observer, min_calls=3, half_open_probes=1)
    for outcome, gap in steps:
        clock.advance(gap)
        before = state_of(breaker)
        try:
            probe = breaker.acquire(provider="openai")
        except CircuitOpenError as exc:
            # Refused only while open or with the probe slot taken, never when closed.
            assert before in ("open", "half_open")
            assert exc.retry_after is None or 0 < exc.retry_after <= 20.0
            continue
        assert before != "open"
        breaker.record(probe=probe, failed={"ok": False, "transient": True, "permanent": False}[outcome])
        if outcome != "transient":
            assert state_of(breaker) != "open" or before == "open"  # success never opens
        assert 5.0 <= breaker.open_duration <= 20.0
    # Every transition is between different states, and each follows on from the last.
    transitions = [e for e in observer.events if isinstance(e, BreakerTransition)]
    state = "closed"
    for t in transitions:
        assert t.from_state == state and t.to_state != t.from_state
        assert (t.from_state, t.to_state) in {
            ("closed", "open"),
            ("open", "half_open"),
            ("half_open", "open"),
            ("half_open", "closed"),
        }
        state = t.to_state


def test_breaker_opens_within_the_count_window_after_a_long_run_of_successes() -> None:
    # Under high traffic a time-only window would be full of earlier successes; the count
    # bound makes a sudden outage open the breaker after a handful of failures, not hundreds.
    clock = ManualClock()
    breaker = make(clock, window_s=60.0, window_calls=10)
    for _ in range(500):
        succeed(breaker)
    failures = 0
    while state_of(breaker) == "closed" and failures < 50:
        fail(breaker)
        failures += 1
    assert state_of(breaker) == "open"
    assert failures == 5  # 5 of the last 10 reach the 50% threshold


def test_time_window_still_forgets_old_failures() -> None:
    clock = ManualClock()
    breaker = make(clock, window_s=10.0, window_calls=100)
    for _ in range(3):
        fail(breaker)
    clock.advance(11)
    succeed(breaker)
    fail(breaker)
    assert state_of(breaker) == "closed"  # 1 of 2 recent outcomes, below min_calls


def test_consecutive_failures_open_the_breaker_despite_a_window_full_of_successes() -> None:
    clock = ManualClock()
    breaker = make(clock, window_s=60.0, window_calls=100, consecutive_failures=10)
    for _ in range(500):
        succeed(breaker)
    for _ in range(9):
        fail(breaker)
    assert state_of(breaker) == "closed"  # 9 of the last 100: far below the rate
    fail(breaker)
    assert state_of(breaker) == "open"


def test_a_minority_of_failures_that_retries_absorb_never_opens_the_breaker() -> None:
    # 40% of attempts failing in short runs (fail, fail, ok, ok, ok): degraded, not down.
    clock = ManualClock()
    breaker = make(clock, min_calls=20, window_s=60.0, window_calls=100, consecutive_failures=10)
    for _ in range(200):
        fail(breaker)
        fail(breaker)
        for _ in range(3):
            succeed(breaker)
        clock.advance(0.05)
    assert state_of(breaker) == "closed"


def test_consecutive_failure_trip_can_be_switched_off() -> None:
    clock = ManualClock()
    breaker = make(clock, window_s=60.0, window_calls=100, consecutive_failures=0)
    for _ in range(100):
        succeed(breaker)
    for _ in range(40):
        fail(breaker)
    assert state_of(breaker) == "closed"  # 40 of the last 100 is under the 50% rate


def test_rate_limit_answers_never_open_the_breaker() -> None:
    clock = ManualClock()
    breaker = make(clock, consecutive_failures=3)
    for _ in range(50):
        with pytest.raises(TransientProviderError), breaker.guard(provider="openai", model="gpt-5"):
            raise TransientProviderError("slow down", provider="openai", status=429, retry_after=1)
    assert state_of(breaker) == "closed"
    for _ in range(3):
        fail(breaker)
    assert state_of(breaker) == "open"  # a 503 run still trips it: 429s did not reset anything
