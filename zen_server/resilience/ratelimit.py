"""RateLimiter: an optional requests-per-second cap for one provider (token bucket).

The bucket holds up to ``burst`` tokens (default: one second's worth) and refills at
``rate`` per second. Each call takes one token; when none is left the caller *reserves*
the next one (the balance goes negative) and sleeps until it is due, so waiters are served
in arrival order without a queue. If the wait would not end before the current deadline
(``remaining()``), the call fails at once with a TransientProviderError carrying
``retry_after`` instead of sleeping past it. A caller cancelled while sleeping gives its
reserved token back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from zen_server.errors import TransientProviderError
from zen_server.resilience.clock import Clock, Sleep, monotonic, real_sleep
from zen_server.resilience.deadline import remaining


class RateLimiter:
    def __init__(
        self,
        provider: str,
        rate: float,
        *,
        burst: float | None = None,
        clock: Clock = monotonic,
        sleep: Sleep = real_sleep,
        remaining_fn: Callable[[], float] = remaining,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.provider = provider
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate)
        self._clock = clock
        self._sleep = sleep
        self._remaining = remaining_fn
        self._tokens = self.burst
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    async def acquire(self, *, model: str | None = None) -> None:
        self._refill()
        wait = (1.0 - self._tokens) / self.rate if self._tokens < 1.0 else 0.0
        if wait > 0 and wait >= self._remaining():
            raise TransientProviderError(
                f"{self.provider} rate limit ({self.rate:g} requests/s, ZEN_PROVIDER_RATE_LIMITS) "
                f"needs a {wait:.2f} s wait that would outlast the deadline",
                provider=self.provider,
                model=model,
                retry_after=wait,
            )
        self._tokens -= 1.0
        if wait <= 0:
            return
        try:
            await self._sleep(wait)
        except asyncio.CancelledError:
            self._tokens += 1.0  # give the reservation back
            raise
