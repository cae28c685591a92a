"""Cluster actions: kill -9, SIGTERM (drain) or restart one instance; roll a restart through all.

``instance`` is 0-based. ``kill_instance`` / ``term_instance`` with a ``duration`` restart
the instance when it ends. ``rolling_restart`` takes each instance in turn: SIGTERM, wait
for the drain and the exit (status 0 required), restart, wait until HAProxy has it back in
rotation, then the next. Only a ``target: {kind: cluster}`` has instances.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import Field

from harness.chaos.actions.base import ActionEnv, ActionSpec, register
from harness.chaos.errors import ActionError

CLUSTER_ACTIONS = frozenset({"kill_instance", "term_instance", "restart_instance", "rolling_restart"})


@runtime_checkable
class ClusterControl(Protocol):
    async def kill_instance(self, index: int) -> None: ...

    async def term_instance(self, index: int) -> None: ...

    async def restart_instance(self, index: int) -> None: ...

    async def rolling_restart(self) -> None: ...


def cluster_of(env: ActionEnv, action: str) -> ClusterControl:
    target = env.target
    if not isinstance(target, ClusterControl):
        raise ActionError(f"{action} needs a cluster target (target: {{kind: cluster}})")
    return target


class _OneInstance(ActionSpec):
    instance: int = Field(default=0, ge=0, le=7, description="which instance (0-based)")

    def fault_key(self) -> str | None:
        return f"instance{self.instance}:down" if self.undoable else None


@register
class KillInstance(_OneInstance):
    kind = "kill_instance"
    undoable = True

    async def apply(self, env: ActionEnv) -> None:
        await cluster_of(env, self.kind).kill_instance(self.instance)

    async def undo(self, env: ActionEnv) -> None:
        await cluster_of(env, self.kind).restart_instance(self.instance)

    def describe(self) -> str:
        return f"kill -9 instance {self.instance}"


@register
class TermInstance(_OneInstance):
    kind = "term_instance"
    undoable = True

    async def apply(self, env: ActionEnv) -> None:
        await cluster_of(env, self.kind).term_instance(self.instance)

    async def undo(self, env: ActionEnv) -> None:
        await cluster_of(env, self.kind).restart_instance(self.instance)

    def describe(self) -> str:
        return f"SIGTERM instance {self.instance} (drain, exit)"


@register
class RestartInstance(_OneInstance):
    kind = "restart_instance"

    async def apply(self, env: ActionEnv) -> None:
        await cluster_of(env, self.kind).restart_instance(self.instance)

    def describe(self) -> str:
        return f"restart instance {self.instance}"

    def clears_key(self) -> str:
        return f"instance{self.instance}:down"


@register
class RollingRestart(ActionSpec):
    kind = "rolling_restart"

    async def apply(self, env: ActionEnv) -> None:
        await cluster_of(env, self.kind).rolling_restart()

    def describe(self) -> str:
        return "rolling restart of every instance (SIGTERM, drain, restart, back in rotation)"
