"""RetryPolicy: a few more attempts for transient failures, never past the deadline.

Semantics of :meth:`RetryPolicy.run` (pinned by property tests):

* Only errors :func:`classify` calls retryable (``TransientProviderError`` other than
  ``CircuitOpenError``) are retried; anything else propagates at once, unchanged.
* At most ``max_attempts`` attempts in total.
* The delay before retry *n* (n = 1, 2, ...) is full jitter:
  ``uniform(0, min(max_delay, base_delay * 2**(n-1)))``; if the provider sent a
  Retry-After, the delay is at least that (a retry never comes sooner than asked).
* The deadline bounds everything: if the delay would end at or after the current deadline
  (:func:`remaining` minus ``min_attempt_s``, the least time worth an attempt), the policy
  gives up at once with a TransientProviderError saying so, rather than sleeping past it.
* Each retry spends one token from a shared :class:`RetryBudget`; with no token left the
  last error is raised, so a failure storm cannot multiply the load on a provider.
* Cancellation during the backoff sleep propagates immediately; nothing is retried.

Each scheduled retry is reported as a ``RetryScheduled`` event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from zen_server.errors import TransientProviderError
from zen_server.observability.events import NullObserver, Observer, RetryScheduled
from zen_server.resilience.classify import classify
from zen_server.resilience.clock import RandomSource, Sleep, real_random, real_sleep
from zen_server.resilience.deadline import remaining

T = TypeVar("T")


class RetryBudget:
    """Token bucket: every request deposits ``ratio`` tokens, every retry withdraws one.

    Over any stretch of time, retries therefore stay under ``ratio`` x requests (plus the
    ``min_tokens`` reserve that lets a quiet server retry its first failures).
    """

    def __init__(self, ratio: float, *, min_tokens: float = 3.0, max_tokens: float = 100.0) -> None:
        self.ratio = max(0.0, ratio)
        self._max = max(min_tokens, max_tokens)
        self.tokens = min_tokens

    def record_request(self) -> None:
        self.tokens = min(self._max, self.tokens + self.ratio)

    def try_spend(self) -> bool:
        if self.tokens >= 1.0 - 1e-9:  # 0.2 x 5 deposits must buy one retry despite rounding
            self.tokens = max(0.0, self.tokens - 1.0)
            return True
        return False


class RetryPolicy:
    def __init__(
        self,
        *,
        max_attempts: int = 3,
        base_delay_s: float = 0.5,
        max_delay_s: float = 8.0,
        min_attempt_s: float = 0.25,  # no LLM call answers in less; retrying sooner only adds load
        budget: RetryBudget | None = None,
        observer: Observer | None = None,
        sleep: Sleep = real_sleep,
        random: RandomSource = real_random,
        remaining_fn: Callable[[], float] = remaining,
    ) -> None:
        self.max_attempts = max(1, max_attempts)
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.min_attempt_s = min_attempt_s
        self.budget = budget
        self._observer: Observer = observer or NullObserver()
        self._sleep = sleep
        self._random = random
        self._remaining = remaining_fn

    def backoff_cap(self, retry_number: int) -> float:
        """Upper bound of the jittered delay before retry ``retry_number`` (1-based)."""
        return min(self.max_delay_s, self.base_delay_s * 2.0 ** max(0, retry_number - 1))

    def delay_for(self, retry_number: int, retry_after: float | None) -> float:
        delay = self._random() * self.backoff_cap(retry_number)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    async def run(self, attempt: Callable[[int], Awaitable[T]], *, provider: str, model: str) -> T:
        """Call ``attempt(n)`` (n = 1, 2, ...) until it returns or the policy gives up."""
        if self.budget is not None:
            self.budget.record_request()
        number = 1
        while True:
            try:
                return await attempt(number)
            except Exception as error:
                decision = classify(error)
                if not decision.retryable:
                    raise
                assert isinstance(error, TransientProviderError)
                if number >= self.max_attempts:
                    raise
                delay = self.delay_for(number, decision.retry_after)
                left = self._remaining()
                if delay >= left - self.min_attempt_s:
                    raise _give_up(
                        error,
                        f"{error} -- not retried: the next attempt could start only in {delay:.1f} s "
                        f"but {left:.1f} s remain before the deadline",
                    ) from error
                if self.budget is not None and not self.budget.try_spend():
                    raise _give_up(
                        error,
                        f"{error} -- not retried: the retry budget is spent (too many failures "
                        "recently); try again shortly",
                    ) from error
                self._observer.emit(
                    RetryScheduled(
                        provider=provider,
                        model=model,
                        attempt=number + 1,
                        delay_s=delay,
                        reason=decision.reason,
                    )
                )
                await self._sleep(delay)
                number += 1


def _give_up(error: TransientProviderError, message: str) -> TransientProviderError:
    return TransientProviderError(
        message,
        provider=error.provider,
        model=error.model,
        status=error.status,
        retry_after=error.retry_after,
    )
