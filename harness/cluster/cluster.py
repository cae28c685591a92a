"""N zen_server instances in distributed mode on one Redis, behind a real HAProxy.

The caller provides the Redis URL and the instances' environment (providers); the cluster
adds DISTRIBUTED_MODE, starts the instances, renders the HAProxy config for them and
starts HAProxy, and waits until HAProxy has every instance in rotation. The actions a
chaos timeline uses act on one instance by index: ``kill`` (kill -9), ``terminate``
(SIGTERM: drain, exit), ``restart``, and ``rolling_restart`` (each in turn: SIGTERM, wait
for the exit, restart, wait until HAProxy has it back, then the next).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from pathlib import Path

from harness.cluster.haproxy import Backend, HAProxy
from harness.cluster.instance import ZenInstance
from harness.errors import ClusterError
from harness.launcher import free_port

ROTATION_TIMEOUT_S = 30.0
CHECK_INTERVAL_MS = 200


class Cluster:
    def __init__(
        self,
        instances: int,
        *,
        env: Mapping[str, str],
        redis_url: str,
        workdir: Path,
        redis_prefix: str = "zen:",
        drain_timeout_s: float = 30.0,
        port: int | None = None,
    ) -> None:
        if not 1 <= instances <= 16:
            raise ClusterError(f"--instances must be between 1 and 16, not {instances}")
        self.drain_timeout_s = drain_timeout_s
        self._dir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        instance_env = {
            **env,
            "DISTRIBUTED_MODE": "true",
            "REDIS_URL": redis_url,
            "ZEN_REDIS_PREFIX": redis_prefix,
            "ZEN_DRAIN_TIMEOUT_S": f"{drain_timeout_s:g}",
        }
        self.instance_env = instance_env  # the autoscaler starts more instances with it
        self.workdir = workdir
        self.instances = [
            ZenInstance(f"zen{i + 1}", instance_env, workdir / f"zen{i + 1}.log") for i in range(instances)
        ]
        backends = [Backend(i.name, "127.0.0.1", i.port) for i in self.instances]
        self.haproxy = HAProxy(
            workdir / "haproxy",
            port=port or free_port(),
            servers=backends,
            check_interval_ms=CHECK_INTERVAL_MS,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.haproxy.port}/mcp"

    def instance(self, index: int) -> ZenInstance:
        if not 0 <= index < len(self.instances):
            raise ClusterError(f"no instance {index}: the cluster has {len(self.instances)} (0-based)")
        return self.instances[index]

    def pids(self) -> list[int]:
        return [pid for i in self.instances if (pid := i.pid) is not None]

    async def start(self) -> None:
        try:
            await asyncio.gather(*(i.start() for i in self.instances))
            await self.haproxy.start()
            await self.wait_in_rotation([i.name for i in self.instances])
        except BaseException:
            await self.stop()
            raise

    async def wait_in_rotation(self, names: list[str], *, up: bool = True) -> None:
        """Until HAProxy reports each of ``names`` UP (or, with ``up=False``, not UP)."""
        deadline = time.monotonic() + ROTATION_TIMEOUT_S
        while time.monotonic() < deadline:  # fail-safe bound
            states = await self.haproxy.server_states()
            if all((states.get(n) == "UP") == up for n in names):
                return
            await asyncio.sleep(0.05)
        raise ClusterError(
            f"HAProxy did not see {names} {'UP' if up else 'DOWN'} within {ROTATION_TIMEOUT_S}s"
        )

    async def kill(self, index: int) -> None:
        await self.instance(index).kill()

    async def terminate(self, index: int) -> int | None:
        """SIGTERM: the instance drains and exits; its exit status (None if it outlived the drain)."""
        return await self.instance(index).terminate(self.drain_timeout_s + 10.0)

    async def restart(self, index: int) -> None:
        instance = self.instance(index)
        await instance.restart()
        await self.wait_in_rotation([instance.name])

    async def ensure_running(self) -> None:
        """Start any instance that is down (a rollback); nothing before ``start`` succeeded."""
        if self.haproxy.pid is None:
            return
        stopped = [i for i in self.instances if not i.running]
        for instance in stopped:
            await instance.start()
        if stopped:
            await self.wait_in_rotation([i.name for i in stopped])

    async def rolling_restart(self) -> list[int | None]:
        """Each instance in turn: SIGTERM, wait for its exit, restart, wait until it is back in rotation."""
        statuses: list[int | None] = []
        for index in range(len(self.instances)):
            status = await self.terminate(index)
            statuses.append(status)
            if status is None:
                await self.instance(index).kill()
            await self.restart(index)
        return statuses

    async def stop(self) -> None:
        await self.haproxy.stop()
        await asyncio.gather(*(i.stop() for i in self.instances), return_exceptions=True)


__all__ = ["Cluster"]
