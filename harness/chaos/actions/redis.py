"""``kill_redis`` / ``restart_redis``: SIGKILL the harness's redis-server, then start it again.

With a ``duration`` on ``kill_redis`` Redis is restarted after that many seconds (from its
append-only file, so every write it acknowledged is back). ``ensure_redis`` (a rollback)
starts it when it is not running. Only scenarios with a ``redis:`` section have one.
"""

from __future__ import annotations

from harness.chaos.actions.base import ActionEnv, ActionSpec, register


@register
class KillRedis(ActionSpec):
    kind = "kill_redis"
    undoable = True

    async def apply(self, env: ActionEnv) -> None:
        await env.redis.kill()

    async def undo(self, env: ActionEnv) -> None:
        await env.redis.restart()

    def describe(self) -> str:
        return "kill -9 redis-server"

    def fault_key(self) -> str:
        return "redis:down"


@register
class RestartRedis(ActionSpec):
    kind = "restart_redis"

    async def apply(self, env: ActionEnv) -> None:
        await env.redis.restart()

    def describe(self) -> str:
        return "restart redis-server"

    def clears_key(self) -> str:
        return "redis:down"


@register
class EnsureRedis(ActionSpec):
    kind = "ensure_redis"

    async def apply(self, env: ActionEnv) -> None:
        await env.redis.ensure_running()

    def describe(self) -> str:
        return "redis-server running"

    def clears_key(self) -> str:
        return "redis:down"
