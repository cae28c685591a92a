"""The harness's own redis-server: a free port, kill -9 and restart keep acknowledged writes."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis.asyncio as aioredis

from harness.chaos.environment.redis_server import NoRedis, RedisServer, connections_received
from harness.chaos.errors import ActionError


@pytest.mark.redis
async def test_a_write_acknowledged_before_kill_9_is_there_after_restart(
    tmp_path: Path, redis_server_binary: str
) -> None:
    server = RedisServer(tmp_path, executable=redis_server_binary)
    await server.start()
    try:
        client = aioredis.Redis(host="127.0.0.1", port=server.port)
        await client.rpush("chaos:turns:{t1}", '{"role": "user", "content": "[ZMK0000000000000000Q]"}')
        await client.aclose()
        await server.kill()
        assert server.pid() is None
        await server.restart()  # back from its append-only file
        with pytest.raises(ActionError, match="still running"):
            await server.restart()
        threads = await server.threads("chaos:")
        assert threads == {"t1": ['{"role": "user", "content": "[ZMK0000000000000000Q]"}']}
        assert await connections_received(server.port) >= 1
    finally:
        await server.stop()
    assert server.pid() is None


async def test_a_scenario_without_redis_refuses_redis_actions() -> None:
    with pytest.raises(ActionError, match="no 'redis:' section"):
        await NoRedis().kill()
    await NoRedis().ensure_running()  # a rollback is a no-op
