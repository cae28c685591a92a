"""``kill_server`` / ``restart_server``: SIGKILL the target mid-run, then start it again.

With a ``duration`` on ``kill_server`` the server is restarted after that many seconds.
``ensure_server`` (a rollback) starts the target when it is not running.
"""

from __future__ import annotations

from harness.chaos.actions.base import ActionEnv, ActionSpec, register


@register
class KillServer(ActionSpec):
    kind = "kill_server"
    undoable = True

    async def apply(self, env: ActionEnv) -> None:
        await env.target.kill()

    async def undo(self, env: ActionEnv) -> None:
        await env.target.restart()

    def describe(self) -> str:
        return "kill -9 the server"

    def fault_key(self) -> str:
        return "server:down"


@register
class RestartServer(ActionSpec):
    kind = "restart_server"

    async def apply(self, env: ActionEnv) -> None:
        await env.target.restart()

    def describe(self) -> str:
        return "restart the server"

    def clears_key(self) -> str:
        return "server:down"


@register
class EnsureServer(ActionSpec):
    kind = "ensure_server"

    async def apply(self, env: ActionEnv) -> None:
        await env.target.ensure_running()

    def describe(self) -> str:
        return "server running"

    def clears_key(self) -> str:
        return "server:down"
