"""What the router knows of one deployment: load, peak-EWMA latency, quota, cooldown, ejection.

Everything is driven by an injected clock so the policy is testable without waiting.

- Peak-EWMA latency (Finagle's, as Envoy and linkerd use it): a sample above the average
  replaces it at once (a slowdown is seen on the first slow reply); below it, the average
  decays towards the sample with time constant ``decay_s`` (and towards zero while no
  sample comes, so an idle deployment is probed again). A deployment never sampled
  starts at ``initial_latency_s`` so new ones get tried.
- Cooldown: a 429 (or any reply with Retry-After) keeps the deployment out of the choice
  until its Retry-After passed, unless every deployment is cooling.
- Quota: with ``rpm``/``tpm`` set, a deployment whose last minute is spent is skipped.
- Outlier ejection (Envoy's): ``consecutive_failures`` in a row, or a failure rate of at
  least ``failure_rate`` over the last ``window`` outcomes (once ``min_requests`` were
  seen), ejects it for ``base_ejection_s`` x its ejection count, capped at
  ``max_ejection_s``. The count falls by one for each ``base_ejection_s`` spent healthy,
  so a deployment that heals returns to short ejections.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from zen_server.providers.routing.deployments import Deployment

FAILURE_PENALTY_S = 1.0


@dataclass(frozen=True, slots=True)
class EjectionPolicy:
    consecutive_failures: int = 5
    failure_rate: float = 0.5
    min_requests: int = 10
    window: int = 20
    base_ejection_s: float = 2.0
    max_ejection_s: float = 30.0
    max_ejection_percent: float = 50.0


@dataclass(slots=True)
class DeploymentHealth:
    deployment: Deployment
    policy: EjectionPolicy
    decay_s: float = 10.0
    initial_latency_s: float = 0.0
    in_flight: int = 0
    requests: int = 0
    failures: int = 0
    ejections: int = 0
    ewma_s: float = 0.0
    _ewma_at: float | None = None
    _consecutive: int = 0
    _outcomes: deque[bool] = field(default_factory=lambda: deque(maxlen=64))
    _ejection_count: int = 0
    _ejected_until: float = -math.inf
    _healthy_since: float = 0.0
    _cooldown_until: float = -math.inf
    _minute: deque[tuple[float, int]] = field(default_factory=deque)

    # --- views ------------------------------------------------------------------------
    def latency(self, now: float) -> float:
        """The peak-EWMA latency, decayed to ``now`` (a sample never taken: the initial value)."""
        if self._ewma_at is None:
            return self.initial_latency_s
        # Decays towards zero while unobserved (as Finagle's does), so an idle deployment that
        # was slow gets probed again instead of being avoided forever.
        return self.ewma_s * math.exp(-max(0.0, now - self._ewma_at) / self.decay_s)

    def probe_latency(self, now: float) -> float:
        """The latency to choose by when load is ignored: decayed only while idle.

        An idle deployment's estimate decays so it gets probed; once a request is in
        flight on it, its last estimate counts again, so one probe goes out, not a herd
        (without this, every call would follow the decayed figure until the first reply).
        A deployment that never answered and has a request out is unknown: chosen last.
        """
        if self.in_flight == 0:
            return self.latency(now)
        if self._ewma_at is None:  # never answered yet and a probe is out: unknown, last choice
            return math.inf
        return max(self.latency(now), self.ewma_s)

    def ejected(self, now: float) -> bool:
        return now < self._ejected_until

    def cooling(self, now: float) -> bool:
        return now < self._cooldown_until

    def over_quota(self, now: float) -> bool:
        dep = self.deployment
        if dep.rpm is None and dep.tpm is None:
            return False
        self._forget_before(now - 60.0)
        if dep.rpm is not None and len(self._minute) >= dep.rpm:
            return True
        return dep.tpm is not None and sum(tokens for _, tokens in self._minute) >= dep.tpm

    def available(self, now: float) -> bool:
        return not (self.ejected(now) or self.cooling(now) or self.over_quota(now))

    # --- outcomes ---------------------------------------------------------------------
    def started(self, now: float) -> None:
        self.in_flight += 1
        self.requests += 1
        if self.deployment.rpm is not None or self.deployment.tpm is not None:
            self._minute.append((now, 0))

    def finished(self, now: float, *, ok: bool, latency_s: float, retry_after: float | None = None) -> None:
        self.in_flight = max(0, self.in_flight - 1)
        # A fast failure (a 429, a refused connection) must not make a deployment look fast
        # and draw traffic back at once: it counts as at least FAILURE_PENALTY_S, from which
        # the estimate decays, so the deployment is probed again one request at a time.
        sample = latency_s if ok else max(latency_s, self.latency(now), FAILURE_PENALTY_S)
        self._observe_latency(now, sample)
        if retry_after is not None and retry_after > 0:
            self._cooldown_until = max(self._cooldown_until, now + retry_after)
        self._outcomes.append(ok)
        if ok:
            self._consecutive = 0
            return
        self.failures += 1
        self._consecutive += 1

    def cool(self, until: float) -> None:
        """Keep it out of the choice until ``until`` (a shared quota spent this minute)."""
        self._cooldown_until = max(self._cooldown_until, until)

    def used_tokens(self, now: float, tokens: int) -> None:
        if self.deployment.tpm is not None and tokens > 0:
            self._minute.append((now, tokens))

    def should_eject(self, now: float) -> bool:
        """The outcomes say this deployment is an outlier (the caller checks the cap)."""
        if self.ejected(now):
            return False
        policy = self.policy
        if policy.consecutive_failures > 0 and self._consecutive >= policy.consecutive_failures:
            return True
        recent = list(self._outcomes)[-policy.window :]
        if len(recent) < policy.min_requests:
            return False
        return recent.count(False) / len(recent) >= policy.failure_rate

    def eject(self, now: float) -> float:
        """Eject until ``now`` + base x count (capped); returns the ejection's length."""
        policy = self.policy
        healthy_for = now - self._healthy_since
        if self._ejection_count and policy.base_ejection_s > 0:
            self._ejection_count = max(0, self._ejection_count - int(healthy_for // policy.base_ejection_s))
        self._ejection_count += 1
        self.ejections += 1
        length = min(policy.max_ejection_s, policy.base_ejection_s * self._ejection_count)
        self._ejected_until = now + length
        self._healthy_since = self._ejected_until
        # Back from ejection with a clean slate: one more failure must not eject it at once,
        # and its latency is unknown again, so it is probed at once instead of waiting for a
        # failure's penalty to decay (traffic returns to a healed deployment within seconds).
        self._consecutive = 0
        self._outcomes.clear()
        self._ewma_at = None
        self.ewma_s = 0.0
        return length

    def _observe_latency(self, now: float, sample: float) -> None:
        current = self.latency(now)
        if self._ewma_at is None or sample >= current:
            self.ewma_s = sample
        else:
            weight = math.exp(-max(0.0, now - self._ewma_at) / self.decay_s)
            self.ewma_s = self.ewma_s * weight + sample * (1.0 - weight)
        self._ewma_at = now

    def _forget_before(self, cutoff: float) -> None:
        while self._minute and self._minute[0][0] < cutoff:
            self._minute.popleft()
