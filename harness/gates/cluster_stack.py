"""A cluster of its own: a redis-server, the instances in distributed mode and HAProxy, then gone.

The cluster gates (concurrency, cache) and the cluster e2e test each run against a fresh
stack under their work directory; this starts it in order and stops it in reverse, also
when the cluster's start fails half-way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harness.cluster.cluster import Cluster


@asynccontextmanager
async def redis_backed_cluster(
    instances: int, env: Mapping[str, str], workdir: Path, **cluster_options: Any
) -> AsyncIterator[Cluster]:
    """Redis, then a cluster of ``instances`` sharing it; stopped cluster first, Redis last."""
    # Imported here: the gate registry loads every gate, and only these two start a cluster.
    from harness.chaos.environment.redis_server import RedisServer
    from harness.cluster.cluster import Cluster

    redis = RedisServer(workdir)
    await redis.start()
    cluster = Cluster(instances, env=env, redis_url=redis.url, workdir=workdir / "cluster", **cluster_options)
    try:
        await cluster.start()
        yield cluster
    finally:
        await cluster.stop()
        await redis.stop()


__all__ = ["redis_backed_cluster"]
