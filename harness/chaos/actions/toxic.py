"""``add_toxic`` / ``remove_toxic``: a Toxiproxy toxic on the proxy in front of a provider.

- action: add_toxic
  proxy: openai                       # the provider's name
  toxic: {type: latency, attributes: {latency: 1500, jitter: 500}}
  at: 0
  duration: 8                         # optional: removed again after 8 s
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from harness.chaos.actions.base import ActionEnv, ActionSpec, register

TOXIC_TYPES = ("latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer", "limit_data")


class Toxic(BaseModel):
    """A toxic as the Toxiproxy API describes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer", "limit_data"]
    name: str | None = None
    stream: Literal["upstream", "downstream"] = "downstream"
    toxicity: float = Field(default=1.0, ge=0, le=1)
    attributes: dict[str, Any] = Field(default_factory=dict)

    @property
    def resolved_name(self) -> str:
        return self.name or f"{self.type}_{self.stream}"


@register
class AddToxic(ActionSpec):
    kind = "add_toxic"
    undoable = True

    proxy: str
    toxic: Toxic

    async def apply(self, env: ActionEnv) -> None:
        t = self.toxic
        await env.proxies.add_toxic(
            self.proxy,
            name=t.resolved_name,
            type=t.type,
            stream=t.stream,
            toxicity=t.toxicity,
            attributes=t.attributes,
        )

    async def undo(self, env: ActionEnv) -> None:
        await env.proxies.remove_toxic(self.proxy, self.toxic.resolved_name)

    def describe(self) -> str:
        attrs = ", ".join(f"{k}={v}" for k, v in self.toxic.attributes.items())
        share = f" ({self.toxic.toxicity:.0%} of connections)" if self.toxic.toxicity < 1 else ""
        return f"toxic {self.toxic.type}({attrs}) on {self.proxy}{share}"

    def fault_key(self) -> str:
        return f"toxic:{self.proxy}/{self.toxic.resolved_name}"


@register
class RemoveToxic(ActionSpec):
    kind = "remove_toxic"

    proxy: str
    name: str

    async def apply(self, env: ActionEnv) -> None:
        await env.proxies.remove_toxic(self.proxy, self.name)

    def describe(self) -> str:
        return f"remove toxic {self.name} from {self.proxy}"

    def clears_key(self) -> str:
        return f"toxic:{self.proxy}/{self.name}"


@register
class RemoveAllToxics(ActionSpec):
    kind = "remove_all_toxics"

    async def apply(self, env: ActionEnv) -> None:
        await env.proxies.remove_all_toxics()

    def describe(self) -> str:
        return "remove every toxic"

    def clears_key(self) -> str:
        return "toxic:*"
