"""``disable_proxy`` / ``enable_proxy``: the provider becomes unreachable (connection refused).

A disabled Toxiproxy proxy closes its listener, so the target sees a hard outage rather
than a slow one. With a ``duration`` the proxy is enabled again afterwards.
"""

from __future__ import annotations

from harness.chaos.actions.base import ActionEnv, ActionSpec, register


@register
class DisableProxy(ActionSpec):
    kind = "disable_proxy"
    undoable = True

    proxy: str

    async def apply(self, env: ActionEnv) -> None:
        await env.proxies.set_enabled(self.proxy, False)

    async def undo(self, env: ActionEnv) -> None:
        await env.proxies.set_enabled(self.proxy, True)

    def describe(self) -> str:
        return f"{self.proxy} unreachable"

    def fault_key(self) -> str:
        return f"proxy:{self.proxy}"


@register
class EnableProxy(ActionSpec):
    kind = "enable_proxy"

    proxy: str

    async def apply(self, env: ActionEnv) -> None:
        await env.proxies.set_enabled(self.proxy, True)

    def describe(self) -> str:
        return f"{self.proxy} reachable again"

    def clears_key(self) -> str:
        return f"proxy:{self.proxy}"
