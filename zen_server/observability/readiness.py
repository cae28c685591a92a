"""Readiness: can this instance take traffic now, and if not, why.

Owns :class:`ReadinessReport` (what ``/ready`` serves) and :func:`assess_readiness`, the
rule that turns the facts the composition root gathers (breaker states from the gateway,
the memory guard's level, a store ping) into a verdict. Degraded means: no provider is
configured, every configured provider's breaker is open, memory is critical, the shared store is
unreachable, or the instance is draining before it exits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    ready: bool
    reasons: list[str] = field(default_factory=list)
    details: dict[str, object] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "status": "ready" if self.ready else "degraded",
            "reasons": list(self.reasons),
            "details": dict(self.details),
        }


def _provider_of(key: str) -> str:
    # Breaker keys are "provider" or "provider/model".
    return key.split("/", 1)[0]


def open_providers(breaker_states: Mapping[str, str], providers: Iterable[str]) -> list[str]:
    """Providers that cannot serve: their own breaker is open, or every model breaker of theirs is."""
    down: list[str] = []
    for provider in providers:
        own = breaker_states.get(provider)
        models = [s for k, s in breaker_states.items() if "/" in k and _provider_of(k) == provider]
        if own == "open" or (own is None and models and all(s == "open" for s in models)):
            down.append(provider)
    return down


def assess_readiness(
    *,
    breaker_states: Mapping[str, str],
    configured_providers: Iterable[str] | None = None,
    provider_setup_hint: str = "",
    memory_level: str = "ok",
    store_reachable: bool | None = None,
    draining: bool = False,
) -> ReadinessReport:
    """The verdict for ``/ready``.

    ``configured_providers`` defaults to the providers named in ``breaker_states``; a
    configured provider with no breaker yet counts as available. Given and empty, no
    provider is configured: not ready, since every model call would fail; the reason
    ends with ``provider_setup_hint`` (what to set). ``store_reachable`` is None when no
    shared store is configured (memory store), and then never degrades.
    """
    providers = sorted(
        set(configured_providers)
        if configured_providers is not None
        else {_provider_of(k) for k in breaker_states}
    )
    reasons: list[str] = []
    if draining:
        reasons.append("shutting down: finishing the calls in flight, taking no new ones")
    if configured_providers is not None and not providers:
        reasons.append(
            "no model provider is configured" + (f": {provider_setup_hint}" if provider_setup_hint else "")
        )
    down = open_providers(breaker_states, providers)
    if providers and len(down) == len(providers):
        reasons.append(f"every provider's circuit breaker is open: {', '.join(down)}")
    if memory_level == "critical":
        reasons.append("memory is past the critical threshold; new work is refused")
    if store_reachable is False:
        reasons.append("the conversation store (Redis) is unreachable")
    details: dict[str, object] = {
        "providers": providers,
        "providers_open": down,
        "breakers": dict(breaker_states),
        "memory_level": memory_level,
        "store_reachable": store_reachable,
        "draining": draining,
    }
    return ReadinessReport(ready=not reasons, reasons=reasons, details=details)
