"""The Redis tier against the real Redis: shared between instances, and failing open."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from zen_server.cache.redis_tier import RedisTier
from zen_server.cache.response_cache import ResponseCache
from zen_server.providers.types import ModelResponse

pytestmark = pytest.mark.redis

REPLY = ModelResponse("shared answer", "p", "m", finish_reason="stop")


def instance(url: str, prefix: str) -> ResponseCache:
    return ResponseCache(1_000_000, 60.0, RedisTier.from_url(url, prefix=prefix, ttl_s=60, timeout_s=1))


async def test_one_instance_stores_and_another_hits(redis_url: str, redis_prefix: str) -> None:
    one, two = instance(redis_url, redis_prefix), instance(redis_url, redis_prefix)
    try:
        assert await one.put("key-1", REPLY)
        assert await two.get("key-1") == REPLY
        assert two.shared is not None and two.shared.stats.hits == 1
        assert two.memory.get("key-1") is not None  # copied into the memory tier
        client = Redis.from_url(redis_url)
        try:
            ttl_ms = await client.pttl(f"{redis_prefix}resp:key-1")
        finally:
            await client.aclose()
        assert 0 < ttl_ms <= 60_000
    finally:
        await one.aclose()
        await two.aclose()


async def test_an_unreachable_redis_is_a_miss_not_an_error(unused_port: int) -> None:
    url = f"redis://127.0.0.1:{unused_port}/0"
    tier = RedisTier.from_url(url, prefix="zen-test-x:", ttl_s=60, timeout_s=0.2)
    cache = ResponseCache(1_000_000, 60.0, tier)
    try:
        assert await cache.put("k", REPLY)  # memory still takes it
        assert await cache.get("other") is None
        assert tier.errors == 1 and not tier.available  # paused: the next calls do not wait
        assert await tier.get("other") is None and tier.errors == 1
    finally:
        await cache.aclose()


async def test_a_redis_that_never_answers_costs_at_most_the_timeout(unused_port: int) -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # accept, read nothing, answer nothing

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    tier = RedisTier.from_url(f"redis://127.0.0.1:{port}/0", prefix="zen-test-x:", ttl_s=60, timeout_s=0.2)
    try:
        assert await asyncio.wait_for(tier.get("k"), 5) is None
        assert tier.errors == 1
    finally:
        await tier.aclose()
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()
