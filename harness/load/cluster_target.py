"""The cluster a load profile with ``target: {kind: cluster}`` runs against, for the run's length.

``ClusterTarget`` is a sync context manager (the load runner is sync): it starts the harness's
own redis-server, the profile's number of zen_server instances in distributed mode wired to
the run's fake provider, and HAProxy, on an event loop in a thread of its own (anyio's
blocking portal), and stops them all on exit. The cluster works in a short temporary
directory (HAProxy's stats socket path must stay under the Unix socket length limit); the
instances' and HAProxy's logs are copied into the run's directory at the end.
``tool_calls_per_instance`` reads each instance's /metrics, to show where the calls landed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType

import httpx
from anyio.from_thread import start_blocking_portal
from prometheus_client.parser import text_string_to_metric_families

from harness.cluster.tools import install_hint, missing_cluster_tools
from harness.errors import ClusterToolMissing


class ClusterTarget:
    def __init__(self, instances: int, env: Mapping[str, str], log_dir: Path) -> None:
        self._instances = instances
        self._env = dict(env)
        self._log_dir = log_dir
        self._stack = ExitStack()
        self.url = ""
        self._instance_urls: dict[str, str] = {}

    def __enter__(self) -> ClusterTarget:
        from harness.chaos.environment.redis_server import RedisServer
        from harness.cluster.cluster import Cluster

        missing = missing_cluster_tools()
        if missing:
            raise ClusterToolMissing(install_hint(missing))
        try:
            workdir = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="zen-load-cluster-")))
            self._stack.callback(self._keep_logs, workdir)
            portal = self._stack.enter_context(start_blocking_portal())
            redis = RedisServer(workdir)
            self._stack.callback(portal.call, redis.stop)
            portal.call(redis.start)
            cluster = Cluster(
                self._instances, env=self._env, redis_url=redis.url, workdir=workdir / "cluster"
            )
            self._stack.callback(portal.call, cluster.stop)
            portal.call(cluster.start)
        except BaseException:
            self._stack.close()
            raise
        self.url = cluster.url
        self._instance_urls = {i.name: i.base_url for i in cluster.instances}
        return self

    def tool_calls_per_instance(self) -> dict[str, int | None]:
        """Each instance's ``zen_tool_calls_total`` (all tools, all outcomes); None if unreadable."""
        counts: dict[str, int | None] = {}
        for name, base_url in self._instance_urls.items():
            try:
                text = httpx.get(f"{base_url}/metrics", timeout=5.0).text
            except httpx.HTTPError:
                counts[name] = None  # a chaos-free run's instances are up; say so rather than guess
                continue
            counts[name] = int(
                sum(
                    sample.value
                    for family in text_string_to_metric_families(text)
                    for sample in family.samples
                    if sample.name == "zen_tool_calls_total"
                )
            )
        return counts

    def _keep_logs(self, workdir: Path) -> None:
        self._log_dir.mkdir(parents=True, exist_ok=True)
        for log in sorted(workdir.rglob("*.log")):
            shutil.copyfile(log, self._log_dir / log.name)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stack.close()
