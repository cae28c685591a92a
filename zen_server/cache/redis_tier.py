"""The response cache's Redis tier: shared by every instance on one REDIS_URL, failing open.

Each operation is bounded by ``timeout_s`` (short: a cache that makes a call wait is worse
than none). Any error or timeout counts as a miss (``stats.errors``) and pauses the tier
for ``pause_s``, so a dead Redis costs one timeout per pause, not one per call. Keys are
``<prefix>resp:<key>``, written with the TTL in the same command.
"""

from __future__ import annotations

import asyncio
import logging
import time

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from zen_server.cache.lru import CacheStats

_log = logging.getLogger("zen_server.cache")


class RedisTier:
    def __init__(
        self, client: Redis, *, prefix: str, ttl_s: float, timeout_s: float = 0.1, pause_s: float = 1.0
    ) -> None:
        self.stats = CacheStats()
        self.errors = 0
        self._client = client
        self._prefix = f"{prefix}resp:"
        self._ttl_ms = max(1, int(ttl_s * 1000))
        self._timeout_s = timeout_s
        self.pause_s = pause_s  # after a failure, skip Redis this long (a dead Redis costs one timeout)
        self._paused_until = 0.0

    @classmethod
    def from_url(cls, url: str, *, prefix: str, ttl_s: float, timeout_s: float) -> RedisTier:
        # One immediate retry on a broken connection: after a Redis restart the pooled
        # connection is dead, and a fresh one answers (all still within ``timeout_s``).
        client = Redis.from_url(
            url,
            socket_timeout=timeout_s,
            socket_connect_timeout=timeout_s,
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[RedisConnectionError],
        )
        return cls(client, prefix=prefix, ttl_s=ttl_s, timeout_s=timeout_s)

    def key(self, key: str) -> str:
        return self._prefix + key

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._paused_until

    async def get(self, key: str) -> bytes | None:
        if not self.available:
            self.stats.misses += 1
            return None
        try:
            data = await asyncio.wait_for(self._client.get(self.key(key)), self._timeout_s)
        except (RedisError, OSError, TimeoutError) as exc:
            self._failed("get", exc)
            self.stats.misses += 1
            return None
        if data is None:
            self.stats.misses += 1
            return None
        self.stats.hits += 1
        return data.encode("utf-8") if isinstance(data, str) else bytes(data)

    async def put(self, key: str, data: bytes) -> None:
        if not self.available:
            return
        try:
            await asyncio.wait_for(self._client.set(self.key(key), data, px=self._ttl_ms), self._timeout_s)
            self.stats.stores += 1
        except (RedisError, OSError, TimeoutError) as exc:
            self._failed("put", exc)

    def _failed(self, what: str, exc: BaseException) -> None:
        self.errors += 1
        self._paused_until = time.monotonic() + self.pause_s
        _log.warning("response cache: Redis %s failed (%s); treated as a miss", what, type(exc).__name__)

    async def purge(self) -> int:
        """Delete every entry under this tier's prefix (tests, benchmarks, an operator's reset)."""
        deleted = 0
        async for key in self._client.scan_iter(match=f"{self._prefix}*", count=500):
            deleted += int(await self._client.delete(key))
        return deleted

    async def aclose(self) -> None:
        await self._client.aclose()


__all__ = ["RedisTier"]
