"""The one place that picks an engine class for a provider name (Jules keeps sessions)."""

from __future__ import annotations

from fakes.engine import FakeEngine
from fakes.jules.engine import JulesEngine
from fakes.spec import ProviderBehaviour


def engine_for(provider: str, behaviour: ProviderBehaviour | None = None, *, seed: int = 0) -> FakeEngine:
    """A fresh engine for ``provider``; ValueError naming the choices when it is unknown."""
    if provider == "jules":
        return JulesEngine(behaviour, seed=seed)
    return FakeEngine(provider, behaviour, seed=seed)


__all__ = ["engine_for"]
