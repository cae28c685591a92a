"""The interface every timeline action implements, and the registry of action types.

An action is a pydantic model: its fields are its knobs (validated when the scenario is
loaded) and ``apply(env)`` carries it out against the running experiment. An action with
a ``duration`` is a fault window: the timeline calls ``undo(env)`` when it ends. Actions
see the experiment only through ``ActionEnv`` (proxies, fake providers, target), so each
one is tested alone against recording doubles. Adding an action = one module + ``register``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from harness.chaos.timescale import OptionalTimelineSeconds, TimelineSeconds


class ProxyControl(Protocol):
    """Fault proxies between the target and the fake providers (named after the provider)."""

    async def add_toxic(
        self, proxy: str, *, name: str, type: str, stream: str, toxicity: float, attributes: Mapping[str, Any]
    ) -> None: ...

    async def remove_toxic(self, proxy: str, name: str) -> None: ...

    async def remove_all_toxics(self) -> None: ...

    async def set_enabled(self, proxy: str, enabled: bool) -> None: ...


class ProviderControl(Protocol):
    """The fake providers' control API."""

    async def set_behaviour(self, provider: str, behaviour: Mapping[str, Any]) -> None: ...

    async def reset(self, provider: str | None = None) -> None:
        """Back to the scenario's starting behaviour (all providers when None)."""
        ...


class TargetControl(Protocol):
    """The server under test's process."""

    async def kill(self) -> None:
        """SIGKILL, no goodbye; later calls fail until ``restart``."""
        ...

    async def restart(self) -> None: ...

    async def ensure_running(self) -> None: ...


class RedisControl(Protocol):
    """The harness's own redis-server (scenarios with a ``redis:`` section)."""

    async def kill(self) -> None:
        """SIGKILL redis-server; the store's calls fail until ``restart``."""
        ...

    async def restart(self) -> None: ...

    async def ensure_running(self) -> None: ...


class ActionEnv(Protocol):
    """Everything an action may touch (read-only, so any holder of the four fits)."""

    @property
    def proxies(self) -> ProxyControl: ...

    @property
    def providers(self) -> ProviderControl: ...

    @property
    def target(self) -> TargetControl: ...

    @property
    def redis(self) -> RedisControl: ...


class ActionSpec(BaseModel):
    """Fields every action shares: when it runs and, for a fault window, how long it lasts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: str
    at: TimelineSeconds = Field(default=0.0, ge=0, le=3600, description="seconds after 'during' starts")
    duration: OptionalTimelineSeconds = Field(
        default=None, gt=0, le=3600, description="undo after this many seconds"
    )

    kind: ClassVar[str] = ""
    undoable: ClassVar[bool] = False

    async def apply(self, env: ActionEnv) -> None:  # pragma: no cover - every action overrides
        raise NotImplementedError

    async def undo(self, env: ActionEnv) -> None:
        raise NotImplementedError(f"action {self.kind!r} cannot be undone")

    def describe(self) -> str:
        """One line for the live view and the report."""
        return self.kind

    def fault_key(self) -> str | None:
        """The fault this action starts (shaded on plots until cleared), if any."""
        return None

    def clears_key(self) -> str | None:
        """The fault this action ends, if any ("*" ends them all)."""
        return None


A = TypeVar("A", bound=type[ActionSpec])
ACTIONS: dict[str, type[ActionSpec]] = {}


def register(cls: A) -> A:
    """Class decorator: make the action available under its ``kind`` name."""
    if not cls.kind or cls.kind in ACTIONS:
        raise ValueError(f"action kind {cls.kind!r} is empty or registered twice")
    ACTIONS[cls.kind] = cls
    return cls
