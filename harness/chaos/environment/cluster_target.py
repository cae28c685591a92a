"""Target kind ``cluster``: N zen_server instances behind HAProxy, on the run's own Redis.

The load connects to HAProxy's URL. The whole-target actions (``kill_server`` and friends)
act on every instance; the cluster actions (``kill_instance``, ``term_instance``,
``restart_instance``, ``rolling_restart``) act on one instance or roll through all of them.
HAProxy and redis-server missing is a start error that says what to install.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Mapping
from pathlib import Path
from typing import TypeVar

import psutil

from harness.chaos.errors import ActionError, EnvironmentStartError
from harness.chaos.scenario import TargetSpec
from harness.chaos.sessions import SessionPool
from harness.cluster.cluster import Cluster
from harness.errors import ClusterError
from harness.launcher import fill, server_environment
from harness.mcp_client import Endpoint, HttpEndpoint

T = TypeVar("T")


class ClusterTarget:
    """Implements the actions' ``TargetControl`` and ``ClusterControl`` for a cluster target."""

    def __init__(
        self, spec: TargetSpec, env: Mapping[str, str], placeholders: Mapping[str, str], log: Path
    ) -> None:
        self.spec = spec
        values = dict(placeholders)
        wiring = {k: fill(v, values) for k, v in env.items()}
        wiring.update({k: fill(v, values) for k, v in spec.env.items()})
        merged = server_environment(wiring)  # real provider settings never reach an instance
        redis_url = merged.pop("REDIS_URL", "")
        prefix = merged.pop("ZEN_REDIS_PREFIX", "zen:")
        self.cluster = Cluster(
            spec.instances,
            env=merged,
            redis_url=redis_url,
            redis_prefix=prefix,
            workdir=log.parent / f"{log.stem}.cluster",
            drain_timeout_s=spec.drain_timeout_s,
        )
        self.pool: SessionPool | None = None
        self._turn = itertools.count()

    @property
    def instances(self) -> int:
        return len(self.cluster.instances)

    def endpoint(self) -> Endpoint:
        """HAProxy's URL; with ``route: direct`` the instances' own URLs, in turn."""
        if self.spec.route == "direct":
            instance = self.cluster.instances[next(self._turn) % self.instances]
            return HttpEndpoint(f"{instance.base_url}/mcp")
        return HttpEndpoint(self.cluster.url)

    async def start(self) -> None:
        try:
            await self.cluster.start()
        except ClusterError as exc:
            raise EnvironmentStartError(str(exc)) from exc

    async def stop(self) -> None:
        await self.cluster.stop()

    def pids(self) -> list[int]:
        return self.cluster.pids()

    def rss_mb(self) -> float | None:
        total, pids = 0.0, self.pids()
        for pid in pids:
            try:
                total += psutil.Process(pid).memory_info().rss
            except psutil.Error:
                continue
        return total / (1024 * 1024) if pids else None

    async def kill(self) -> None:
        for index in range(self.instances):
            await self.cluster.kill(index)

    async def restart(self) -> None:
        await self._acting(self.cluster.ensure_running())

    async def ensure_running(self) -> None:
        await self._acting(self.cluster.ensure_running())

    async def kill_instance(self, index: int) -> None:
        await self._acting(self.cluster.kill(index))

    async def term_instance(self, index: int) -> None:
        await self._acting(self.cluster.terminate(index))

    async def restart_instance(self, index: int) -> None:
        instance = self.cluster.instance(index)
        if instance.running:
            raise ActionError(f"restart_instance: {instance.name} is still running (kill or term it first)")
        await self._acting(self.cluster.restart(index))

    async def rolling_restart(self) -> None:
        statuses = await self._acting(self.cluster.rolling_restart())
        unclean = [i for i, status in enumerate(statuses) if status != 0]
        if unclean:
            raise ActionError(f"rolling_restart: instances {unclean} did not drain and exit 0: {statuses}")

    async def _acting(self, work: Awaitable[T]) -> T:
        try:
            return await work
        except ClusterError as exc:
            raise ActionError(str(exc)) from exc
