"""The target a scenario names, as the runner sees it: one process, or a cluster of them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from harness.chaos.environment.cluster_target import ClusterTarget
from harness.chaos.environment.target import TargetServer
from harness.chaos.scenario import TargetSpec
from harness.chaos.sessions import SessionPool
from harness.mcp_client import Endpoint


class RunTarget(Protocol):
    """What the runner, the samplers and the server actions need of any target."""

    pool: SessionPool | None

    def endpoint(self) -> Endpoint: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def pids(self) -> list[int]: ...

    def rss_mb(self) -> float | None: ...

    async def kill(self) -> None: ...

    async def restart(self) -> None: ...

    async def ensure_running(self) -> None: ...


def make_target(
    spec: TargetSpec, env: Mapping[str, str], placeholders: Mapping[str, str], log: Path
) -> RunTarget:
    if spec.kind == "cluster":
        return ClusterTarget(spec, env, placeholders, log)
    return TargetServer(spec, env, placeholders, log)


__all__ = ["RunTarget", "make_target"]
