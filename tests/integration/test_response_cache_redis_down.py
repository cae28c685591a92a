"""The Redis tier going down mid-run: calls keep succeeding as misses, then hits return.

Runs its own ``redis-server`` on a free port (the shared one is never stopped) and the
server as ``build_app`` builds it with ZEN_RESPONSE_CACHE=redis against the fake provider.
Each question is asked by an instance whose memory tier has not seen it, so a hit here is
the Redis tier's.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path

import pytest
import redis

from tests.conftest import free_port
from tests.integration.conftest import AppFactory, ChatCall, FakeFactory
from zen_server.cache.redis_tier import RedisTier
from zen_server.server import ZenApp

pytestmark = pytest.mark.redis


@contextmanager
def redis_server(binary: str, port: int, folder: Path) -> Iterator[None]:
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port, socket_connect_timeout=1)
        give_up = time.monotonic() + 20
        while True:  # wait until it accepts connections (fail-safe bound)
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > give_up:
                    pytest.fail("redis-server did not start")
                time.sleep(0.02)
        client.close()
        yield
    finally:
        process.terminate()
        process.wait(10)


def tier_of(app: ZenApp) -> RedisTier:
    cache = app.models.cache
    assert cache is not None and isinstance(cache.shared, RedisTier)
    cache.shared.pause_s = 0.0  # no pause after a failure: every call below tries Redis
    return cache.shared


async def test_calls_succeed_while_redis_is_down_and_hits_return_after(
    fakes: FakeFactory, zen_app: AppFactory, chat_call: ChatCall, tmp_path: Path, redis_server_binary: str
) -> None:
    fake = fakes()
    port = free_port()
    settings = {
        "custom_api_url": fake.url,
        "zen_response_cache": "redis",
        "redis_url": f"redis://127.0.0.1:{port}/0",
        "zen_response_cache_redis_timeout_s": 0.5,
    }
    async with AsyncExitStack() as stack:
        with redis_server(redis_server_binary, port, tmp_path):
            writer = await stack.enter_async_context(zen_app(**settings))
            reader = await stack.enter_async_context(zen_app(**settings))
            tier = tier_of(reader)
            assert (await chat_call(writer, "question A")).ok
            assert (await chat_call(reader, "question A")).ok
            assert fake.requests() == 1 and tier.stats.hits == 1  # from Redis, not the provider

        # Redis is down: the reader still answers every call, from the provider.
        for question in ("question B", "question C"):
            assert (await chat_call(reader, question)).ok
        assert fake.requests() == 3 and tier.errors >= 2 and tier.stats.hits == 1

        with redis_server(redis_server_binary, port, tmp_path):  # back (empty): answers are shared again
            assert (await chat_call(reader, "question D")).ok
            assert (await chat_call(reader, "question D again")).ok
            stored_before = tier_of(writer).stats.hits
            assert (await chat_call(writer, "question D again")).ok
            assert tier_of(writer).stats.hits == stored_before + 1
            assert fake.requests() == 5
