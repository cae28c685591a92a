"""CircuitBreaker: stop calling a provider (or one provider/model) that keeps failing.

States and transitions (each emitted as a ``BreakerTransition`` event and logged):

* **closed**: calls pass. It opens on either of two signals:

  - *sustained degradation*: the last ``window_calls`` outcomes of the last ``window_s``
    seconds hold at least ``min_calls`` outcomes and the share of failures reaches
    ``failure_rate``. The window is wide (100 calls by default) so that a provider failing
    a minority of attempts, which retries absorb, does not cross the threshold by chance;
  - *sudden outage*: ``consecutive_failures`` failures in a row (0 disables). A window
    full of earlier successes would otherwise let an outage run for dozens of failed calls
    before the rate crosses the threshold.
* **open**: calls are refused at once with :class:`CircuitOpenError` (``retry_after`` = time
  until the next probe). After the open duration the next call finds it half-open. The
  open duration is ``open_s`` the first time and doubles on every consecutive re-open, up
  to ``max_open_s``; a successful close resets it.
* **half_open**: at most ``half_open_probes`` calls are let through at once, the rest are
  refused. One probe failure re-opens (longer); ``half_open_probes`` successes close it
  with an empty window.

Only :class:`TransientProviderError` counts as failure, except a 429: a provider that
rate-limits is up and has said when to come back, so Retry-After and the retry budget
govern it, and it records nothing here (opening for seconds would outlast the provider's
own Retry-After and delay recovery). A :class:`PermanentProviderError` (400, 401, ...)
proves the provider answered, so it counts as success. A call cancelled
(deadline, client gone) or failing with any other exception records nothing: it says
nothing about the provider's health, and the probe slot it held is given back.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from zen_server.errors import CircuitOpenError, PermanentProviderError, TransientProviderError
from zen_server.observability.events import BreakerState, BreakerTransition, NullObserver, Observer
from zen_server.resilience.clock import Clock, monotonic

log = logging.getLogger(__name__)

STATE_GAUGE = {"closed": 0.0, "half_open": 1.0, "open": 2.0}
RATE_LIMITED = 429


class CircuitBreaker:
    def __init__(
        self,
        key: str,
        *,
        failure_rate: float = 0.5,
        min_calls: int = 20,
        window_s: float = 30.0,
        window_calls: int = 100,
        consecutive_failures: int = 12,
        open_s: float = 5.0,
        max_open_s: float = 60.0,
        half_open_probes: int = 1,
        observer: Observer | None = None,
        clock: Clock = monotonic,
    ) -> None:
        if not 0 < failure_rate <= 1:
            raise ValueError("failure_rate must be in (0, 1]")
        self.key = key
        self._failure_rate = failure_rate
        self._min_calls = max(1, min_calls)
        self._window_s = window_s
        self._open_s = open_s
        self._max_open_s = max(open_s, max_open_s)
        self._probes = max(1, half_open_probes)
        self._observer: Observer = observer or NullObserver()
        self._clock = clock
        self._state: BreakerState = "closed"
        # (time, failed); maxlen drops the oldest outcome once the count bound is reached.
        self._outcomes: deque[tuple[float, bool]] = deque(maxlen=max(self._min_calls, window_calls))
        self._consecutive_limit = max(0, consecutive_failures)
        self._consecutive = 0
        self._opened_at = 0.0
        self._open_for = open_s
        self._consecutive_opens = 0
        self._probes_in_flight = 0
        self._probe_successes = 0
        # Report the initial state so dashboards list a breaker before its first transition.
        self._observer.set_gauge("breaker_state", STATE_GAUGE["closed"], key=key)

    # --- inspection ---------------------------------------------------------------------
    @property
    def state(self) -> BreakerState:
        """The state as a call arriving now would see it (open turns half-open on time)."""
        if self._state == "open" and self._clock() >= self._opened_at + self._open_for:
            self._transition("half_open", f"open for {self._open_for:.1f} s; probing")
        return self._state

    @property
    def open_duration(self) -> float:
        return self._open_for

    def retry_after(self) -> float:
        """Seconds until an open breaker lets a probe through (0 when not open)."""
        if self.state != "open":
            return 0.0
        return max(0.0, self._opened_at + self._open_for - self._clock())

    # --- the call protocol ----------------------------------------------------------------
    def check(self, *, provider: str, model: str | None = None) -> None:
        """Raise CircuitOpenError if open, taking nothing: a cheap look before queueing."""
        if self.state == "open":
            self._refuse("open", provider, model)

    def acquire(self, *, provider: str, model: str | None = None) -> bool:
        """Admit one call or raise CircuitOpenError. Returns True when the call is a probe."""
        state = self.state
        if state == "closed":
            return False
        if state == "half_open" and self._probes_in_flight < self._probes:
            self._probes_in_flight += 1
            return True
        self._refuse(state, provider, model)

    def _refuse(self, state: BreakerState, provider: str, model: str | None) -> NoReturn:
        wait = self.retry_after()
        detail = f"retry in {wait:.1f} s" if state == "open" else "a probe is already in flight"
        raise CircuitOpenError(
            f"the circuit breaker for {self.key} is {state.replace('_', '-')} after repeated "
            f"failures; not calling {provider} ({detail}). Use another model or try again later.",
            provider=provider,
            model=model,
            retry_after=wait if wait > 0 else None,
        )

    def record(self, *, probe: bool, failed: bool | None) -> None:
        """Record a call admitted by acquire(); ``failed=None`` means no verdict (cancelled)."""
        if probe:
            self._probes_in_flight = max(0, self._probes_in_flight - 1)
        if failed is None:
            return
        now = self._clock()
        if self._state == "half_open":
            if not probe:
                return  # admitted while closed, finished after a re-open: stale evidence
            if failed:
                self._open(now, "half-open probe failed")
                return
            self._probe_successes += 1
            if self._probe_successes >= self._probes:
                self._consecutive_opens = 0
                self._open_for = self._open_s
                self._outcomes.clear()
                self._transition("closed", f"{self._probe_successes} probe(s) succeeded")
            return
        if self._state == "open":
            return
        self._outcomes.append((now, failed))
        self._consecutive = self._consecutive + 1 if failed else 0
        self._prune(now)
        if not failed:
            return
        total = len(self._outcomes)
        failures = sum(1 for _, f in self._outcomes if f)
        if self._consecutive_limit and self._consecutive >= self._consecutive_limit:
            self._open(now, f"{self._consecutive} calls failed in a row")
        elif total >= self._min_calls and failures / total >= self._failure_rate:
            self._open(now, f"{failures} of the last {total} calls failed")

    @contextmanager
    def guard(self, *, provider: str, model: str | None = None) -> Iterator[None]:
        """``with breaker.guard(...):`` around one attempt: acquire, then classify its outcome."""
        probe = self.acquire(provider=provider, model=model)
        failed: bool | None = None
        try:
            yield
            failed = False
        except CircuitOpenError:
            raise  # a nested breaker refused: no evidence about this one
        except TransientProviderError as error:
            failed = None if error.status == RATE_LIMITED else True
            raise
        except PermanentProviderError:
            failed = False
            raise
        finally:
            self.record(probe=probe, failed=failed)

    # --- internals ---------------------------------------------------------------------
    def _prune(self, now: float) -> None:
        horizon = now - self._window_s
        while self._outcomes and self._outcomes[0][0] < horizon:
            self._outcomes.popleft()

    def _open(self, now: float, reason: str) -> None:
        self._consecutive_opens += 1
        self._open_for = min(self._max_open_s, self._open_s * 2 ** (self._consecutive_opens - 1))
        self._opened_at = now
        self._probe_successes = 0
        self._outcomes.clear()
        self._consecutive = 0
        self._transition("open", f"{reason}; open for {self._open_for:.1f} s")

    def _transition(self, to_state: BreakerState, reason: str) -> None:
        from_state = self._state
        if from_state == to_state:
            return
        self._state = to_state
        if to_state == "half_open":
            self._probe_successes = 0
        log.warning("circuit breaker %s: %s -> %s (%s)", self.key, from_state, to_state, reason)
        self._observer.emit(
            BreakerTransition(key=self.key, from_state=from_state, to_state=to_state, reason=reason)
        )
        self._observer.set_gauge("breaker_state", STATE_GAUGE[to_state], key=self.key)
