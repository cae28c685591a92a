"""Per-deployment rpm/tpm quotas shared through Redis (DISTRIBUTED_MODE), so N instances
together stay within a deployment's quota.

Counting is a fixed one-minute window per deployment (``{prefix}quota:{name}:rpm:<minute>``,
expiring after two minutes): ``take`` counts one request and says whether it was within
``rpm`` and the tokens already spent this minute are under ``tpm``; ``spent`` adds a
reply's tokens. A fixed window may let up to twice the rpm through across a minute
boundary; that is the price of one round trip per call (a sliding window needs a script).

Redis is a helper, not a dependency: when it fails or is slow, ``take`` answers True (the
instance's own counters in ``health`` still apply) and Redis is skipped for ``pause_s``,
so a dead Redis never fails a model call and costs at most one timeout.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from zen_server.providers.routing.deployments import Deployment

WINDOW_S = 60


class SharedQuota:
    def __init__(
        self,
        client: Redis,
        *,
        prefix: str,
        timeout_s: float = 0.2,
        pause_s: float = 5.0,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._prefix = f"{prefix}quota:"
        self._timeout_s = timeout_s
        self._pause_s = pause_s
        self._clock = wall_clock  # the wall clock: every instance must agree on the minute
        self._paused_until = 0.0
        self.errors = 0

    @classmethod
    def from_url(cls, url: str, *, prefix: str, timeout_s: float = 0.2) -> SharedQuota:
        client = Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
        return cls(client, prefix=prefix, timeout_s=timeout_s)

    def _key(self, deployment: Deployment, what: str) -> str:
        return f"{self._prefix}{deployment.name}:{what}:{int(self._clock() // WINDOW_S)}"

    def seconds_to_next_window(self) -> float:
        return WINDOW_S - self._clock() % WINDOW_S

    async def take(self, deployment: Deployment) -> bool:
        """Count one request on ``deployment``; False when the shared quota is spent."""
        if (deployment.rpm is None and deployment.tpm is None) or time.monotonic() < self._paused_until:
            return True
        requests_key, tokens_key = self._key(deployment, "rpm"), self._key(deployment, "tpm")
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.incr(requests_key)
                pipe.expire(requests_key, 2 * WINDOW_S)
                pipe.get(tokens_key)
                count, _, tokens = await asyncio.wait_for(pipe.execute(), self._timeout_s)
        except (RedisError, OSError, TimeoutError):
            self._failed()
            return True
        within_rpm = deployment.rpm is None or int(count) <= deployment.rpm
        within_tpm = deployment.tpm is None or int(tokens or 0) < deployment.tpm
        return within_rpm and within_tpm

    async def spent(self, deployment: Deployment, tokens: int) -> None:
        if deployment.tpm is None or tokens <= 0 or time.monotonic() < self._paused_until:
            return
        key = self._key(deployment, "tpm")
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                pipe.incrby(key, tokens)
                pipe.expire(key, 2 * WINDOW_S)
                await asyncio.wait_for(pipe.execute(), self._timeout_s)
        except (RedisError, OSError, TimeoutError):
            self._failed()

    async def aclose(self) -> None:
        await self._client.aclose()

    def _failed(self) -> None:
        self.errors += 1
        self._paused_until = time.monotonic() + self._pause_s
