from __future__ import annotations

import asyncio
import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zen_server.errors import CircuitOpenError, PermanentProviderError, TransientProviderError
from zen_server.observability.events import RecordingObserver, RetryScheduled
from zen_server.resilience.clock import ManualClock
from zen_server.resilience.retry import RetryBudget, RetryPolicy


def transient(retry_after: float | None = None) -> TransientProviderError:
    return TransientProviderError(
        "503", provider="openai", model="gpt-5", status=503, retry_after=retry_after
    )


class Script:
    """An attempt function failing with the given errors, then answering "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[int] = []

    async def __call__(self, number: int) -> str:
        self.calls.append(number)
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def policy(clock: ManualClock, left: float = 100.0, **kw: object) -> RetryPolicy:
    def remaining() -> float:
        return max(0.0, left - (clock() - 1000.0))

    return RetryPolicy(sleep=clock.sleep, random=lambda: 1.0, remaining_fn=remaining, **kw)  # type: ignore[arg-type]


async def test_transient_failure_is_retried_until_success(
    clock: ManualClock, observer: RecordingObserver
) -> None:
    script = Script(transient(), transient())
    result = await policy(clock, observer=observer).run(script, provider="openai", model="gpt-5")
    assert result == "ok"
    assert script.calls == [1, 2, 3]
    assert clock.slept == [0.5, 1.0]  # full jitter at its upper bound: base * 2**(n-1)
    assert [e.attempt for e in observer.of_type(RetryScheduled)] == [2, 3]  # type: ignore[union-attr]


async def test_permanent_error_is_never_retried(clock: ManualClock) -> None:
    script = Script(PermanentProviderError("401", provider="openai", status=401))
    with pytest.raises(PermanentProviderError):
        await policy(clock).run(script, provider="openai", model="gpt-5")
    assert script.calls == [1]


async def test_circuit_open_is_not_retried(clock: ManualClock) -> None:
    script = Script(CircuitOpenError("open", provider="openai", retry_after=3))
    with pytest.raises(CircuitOpenError):
        await policy(clock).run(script, provider="openai", model="gpt-5")
    assert script.calls == [1]


async def test_gives_up_after_max_attempts_with_last_error(clock: ManualClock) -> None:
    last = transient()
    script = Script(transient(), transient(), last)
    with pytest.raises(TransientProviderError) as info:
        await policy(clock, max_attempts=3).run(script, provider="openai", model="gpt-5")
    assert info.value is last
    assert len(script.calls) == 3


async def test_retry_after_is_honoured_as_minimum_delay(clock: ManualClock) -> None:
    script = Script(transient(retry_after=7.0))
    await policy(clock).run(script, provider="openai", model="gpt-5")
    assert clock.slept == [7.0]


async def test_retry_after_beyond_deadline_gives_up_at_once_without_sleeping(clock: ManualClock) -> None:
    script = Script(transient(retry_after=30.0))
    with pytest.raises(TransientProviderError, match=r"not retried.*30\.0 s.*10\.0 s remain"):
        await policy(clock, left=10.0).run(script, provider="openai", model="gpt-5")
    assert clock.slept == []
    assert script.calls == [1]


async def test_retry_budget_stops_retry_storm(clock: ManualClock) -> None:
    budget = RetryBudget(0.0, min_tokens=1.0)
    retry = policy(clock, budget=budget)
    await retry.run(Script(transient()), provider="openai", model="gpt-5")  # spends the only token
    script = Script(transient())
    with pytest.raises(TransientProviderError, match="retry budget"):
        await retry.run(script, provider="openai", model="gpt-5")
    assert script.calls == [1]


def test_retry_budget_refills_by_ratio_of_requests() -> None:
    budget = RetryBudget(0.2, min_tokens=0.0)
    for _ in range(10):
        budget.record_request()
    spent = sum(budget.try_spend() for _ in range(10))
    assert spent == 2


async def test_cancellation_during_backoff_propagates_without_retry() -> None:
    attempts: list[int] = []

    async def attempt(number: int) -> str:
        attempts.append(number)
        raise transient()

    retry = RetryPolicy(base_delay_s=60, random=lambda: 1.0, remaining_fn=lambda: 300.0)
    task = asyncio.create_task(retry.run(attempt, provider="openai", model="gpt-5"))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert attempts == [1]


@settings(max_examples=200, deadline=None)
@given(
    outcomes=st.lists(
        st.one_of(
            st.none(),
            st.floats(0, 50).map(lambda r: ("transient", r)),
            st.just(("transient", None)),
            st.just(("permanent", None)),
        ),
        min_size=1,
        max_size=8,
    ),
    deadline=st.floats(0.1, 60),
    jitter=st.floats(0, 1),
    max_attempts=st.integers(1, 6),
)
def test_retry_policy_properties(
    outcomes: list[tuple[str, float | None] | None], deadline: float, jitter: float, max_attempts: int
) -> None:
    clock = ManualClock()
    start = clock()
    calls: list[float] = []

    async def attempt(number: int) -> str:
        calls.append(clock())
        outcome = outcomes[min(number - 1, len(outcomes) - 1)]
        if outcome is None:
            return "ok"
        kind, retry_after = outcome
        if kind == "permanent":
            raise PermanentProviderError("400", provider="p", status=400)
        raise transient(retry_after)

    retry = RetryPolicy(
        max_attempts=max_attempts,
        base_delay_s=0.5,
        max_delay_s=8.0,
        sleep=clock.sleep,
        random=lambda: jitter,
        remaining_fn=lambda: max(0.0, start + deadline - clock()),
    )
    with contextlib.suppress(TransientProviderError, PermanentProviderError):
        asyncio.run(retry.run(attempt, provider="p", model="m"))
    # Never past the deadline: every attempt starts before it.
    assert all(t < start + deadline for t in calls)
    assert len(calls) <= max_attempts
    # A permanent error ends the run: it is the last attempt.
    for index, _ in enumerate(calls[:-1]):
        outcome = outcomes[min(index, len(outcomes) - 1)]
        assert outcome is not None and outcome[0] == "transient"
    # Each backoff is within [retry_after or 0, max(cap, retry_after)].
    for n, delay in enumerate(clock.slept, start=1):
        outcome = outcomes[min(n - 1, len(outcomes) - 1)]
        assert outcome is not None
        hint = outcome[1] or 0.0
        cap = min(8.0, 0.5 * 2 ** (n - 1))
        assert hint <= delay <= max(cap, hint)
