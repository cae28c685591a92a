"""StoreBreaker: stop waiting on a conversation store (Redis) that keeps failing.

Why not the provider CircuitBreaker: that one is keyed by provider/model, counts only
provider errors and opens for seconds to minutes, which suits a rate-limited API. A store
outage needs the opposite trade: open after a few consecutive failures so calls fail in
microseconds rather than each waiting its own timeout, and probe again after a short pause
(``open_s``, 1 s by default) so storing resumes within about a second of Redis returning.

States: closed (calls pass) -> open after ``failures`` consecutive failures spanning at
least ``min_failing_s`` (calls refused at once) -> after ``open_s`` one probe is let through
(half-open); its success closes the breaker, its failure re-opens it.

Why the span: a burst of calls in a starved process (CPU, a flood of requests) times out
together in one instant although Redis is fine, and the next calls succeed. A Redis that
is really down keeps failing for longer than that: connection refused fails every call
for as long as it lasts, and a slow Redis times out again on the retry.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

StoreBreakerState = Literal["closed", "open", "half_open"]
STATE_GAUGE: dict[StoreBreakerState, float] = {"closed": 0.0, "half_open": 1.0, "open": 2.0}


class StoreBreaker:
    def __init__(
        self,
        *,
        failures: int = 3,
        open_s: float = 1.0,
        min_failing_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1 or open_s <= 0 or min_failing_s < 0:
            raise ValueError("failures and open_s must be positive, min_failing_s not negative")
        self._failures_to_open = failures
        self._open_s = open_s
        self._min_failing_s = min_failing_s
        self._failing_since: float | None = None
        self._clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None
        self._probe_in_flight = False

    @property
    def state(self) -> StoreBreakerState:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self._open_s:
            return "half_open"
        return "open"

    def retry_after(self) -> float:
        if self._opened_at is None:
            return 0.0
        return max(0.0, self._open_s - (self._clock() - self._opened_at))

    def try_acquire(self) -> bool:
        """True if a call may go to the store now (in half-open, only one probe at a time)."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._probe_in_flight:
            self._probe_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self._consecutive = 0
        self._failing_since = None
        self._opened_at = None
        self._probe_in_flight = False

    def record_failure(self) -> None:
        now = self._clock()
        self._consecutive += 1
        if self._failing_since is None:
            self._failing_since = now
        sustained = now - self._failing_since >= self._min_failing_s
        if self._probe_in_flight or (self._consecutive >= self._failures_to_open and sustained):
            self._opened_at = now
        self._probe_in_flight = False

    def release(self) -> None:
        """A call that ended without saying anything about the store (cancelled) gives its probe back."""
        self._probe_in_flight = False


__all__ = ["STATE_GAUGE", "StoreBreaker", "StoreBreakerState"]
