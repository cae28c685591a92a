"""``set_behaviour`` / ``reset_providers``: change what a fake provider does, at run time.

    - action: set_behaviour
      provider: openai
      behaviour: {default: {faults: [{kind: error, status: 503}]}}
      duration: 6          # optional: back to the starting behaviour afterwards

``behaviour`` is passed to the fake's control API unchanged (see docs/fakes.md).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from harness.chaos.actions.base import ActionEnv, ActionSpec, register


@register
class SetBehaviour(ActionSpec):
    kind = "set_behaviour"
    undoable = True

    provider: str
    behaviour: dict[str, Any] = Field(min_length=1)

    async def apply(self, env: ActionEnv) -> None:
        await env.providers.set_behaviour(self.provider, self.behaviour)

    async def undo(self, env: ActionEnv) -> None:
        await env.providers.reset(self.provider)

    def describe(self) -> str:
        keys = ", ".join(sorted(self.behaviour))
        return f"{self.provider} behaviour: {keys}"

    def fault_key(self) -> str:
        return f"behaviour:{self.provider}"


@register
class ResetProviders(ActionSpec):
    kind = "reset_providers"

    provider: str | None = None

    async def apply(self, env: ActionEnv) -> None:
        await env.providers.reset(self.provider)

    def describe(self) -> str:
        return f"reset {self.provider or 'every provider'}"

    def clears_key(self) -> str:
        return f"behaviour:{self.provider}" if self.provider else "behaviour:*"
