"""``set_behaviour`` / ``reset_providers``: change what a fake provider does, at run time.

    - action: set_behaviour
      provider: openai
      behaviour: {default: {faults: [{kind: error, status: 503}]}}
      duration: 6          # optional: back to the starting behaviour afterwards

``behaviour`` is passed to the fake's control API unchanged (see docs/fakes.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from harness.chaos.actions.base import ActionEnv, ActionSpec, register


def _fault_text(fault: Any) -> str:
    if not isinstance(fault, Mapping):
        return str(fault)
    kind = str(fault.get("kind", "fault"))
    text = f"{kind} {fault['status']}" if "status" in fault else kind
    if "retry_after_s" in fault:
        text += f" (Retry-After {fault['retry_after_s']:g}s)"
    rate = fault.get("rate")
    return text if rate is None or rate >= 1 else f"{text} {rate:.1%}".replace(".0%", "%")


def _scope_text(scope: Any) -> str:
    if not isinstance(scope, Mapping):
        return str(scope)
    parts = [_fault_text(f) for f in scope.get("faults") or []]
    latency = scope.get("latency")
    if isinstance(latency, Mapping):
        parts.append("latency " + ", ".join(f"{k}={v}" for k, v in latency.items()))
    parts += [key for key in scope if key not in {"faults", "latency"}]
    return ", ".join(parts) or "no faults"


def describe_behaviour(behaviour: Mapping[str, Any]) -> str:
    """What a behaviour does, for the timeline: ``hang`` or ``error 429 (Retry-After 1s) 80%``."""
    parts = []
    if "default" in behaviour:
        parts.append(_scope_text(behaviour["default"]))
    for model, scope in (behaviour.get("models") or {}).items():
        parts.append(f"{model}: {_scope_text(scope)}")
    parts += [key for key in behaviour if key not in {"default", "models"}]
    return "; ".join(parts)


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
        return f"{self.provider}: {describe_behaviour(self.behaviour)}"

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
