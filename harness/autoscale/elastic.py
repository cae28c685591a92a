"""The cluster at a replica count: start instances into HAProxy, drain and stop them out of it.

Scaling up starts an instance (waits for its /ready), adds it to the running HAProxy through
the runtime API, and waits until HAProxy has it UP. Scaling down takes the newest instance:
HAProxy drains it (no new sessions), SIGTERM makes the instance drain its own calls and exit
(main's drain), then HAProxy forgets it. The first instance is never removed: min >= 1.
"""

from __future__ import annotations

import asyncio

from harness.autoscale.runtime_api import add_server, delete_server, drain_server
from harness.cluster.cluster import Cluster
from harness.cluster.instance import ZenInstance
from harness.errors import ClusterError


class ElasticCluster:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._next = len(cluster.instances) + 1

    @property
    def replicas(self) -> int:
        return len(self.cluster.instances)

    def endpoints(self) -> list[tuple[str, str]]:
        return [(i.name, i.base_url) for i in self.cluster.instances if i.running]

    async def scale_to(self, replicas: int) -> None:
        if replicas < 1:
            raise ClusterError(f"refusing to scale to {replicas}: at least one instance stays")
        while self.replicas < replicas:
            await asyncio.gather(*(self._add() for _ in range(replicas - self.replicas)))
        while self.replicas > replicas:
            await self._remove(self.cluster.instances[-1])

    async def _add(self) -> None:
        name = f"zen{self._next}"
        self._next += 1
        instance = ZenInstance(name, self.cluster.instance_env, self.cluster.workdir / f"{name}.log")
        try:
            await instance.start()
            await add_server(self.cluster.haproxy.socket_path, name, "127.0.0.1", instance.port)
        except BaseException:
            await instance.stop()
            raise
        self.cluster.instances.append(instance)
        await self.cluster.wait_in_rotation([name])

    async def _remove(self, instance: ZenInstance) -> None:
        socket_path = self.cluster.haproxy.socket_path
        self.cluster.instances.remove(instance)  # no longer counted or scraped
        await drain_server(socket_path, instance.name)
        status = await instance.terminate(self.cluster.drain_timeout_s + 10.0)
        if status is None:
            await instance.kill()
        await delete_server(socket_path, instance.name)


__all__ = ["ElasticCluster"]
