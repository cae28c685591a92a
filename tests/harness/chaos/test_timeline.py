"""The timeline runs actions on time, undoes fault windows, and survives a failing action."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.chaos.actions import ACTIONS
from harness.chaos.actions.base import ActionSpec
from harness.chaos.timeline import TimelineLog, run_timeline


@dataclass
class Recording:
    """One double for all three controls: it records each call with its time."""

    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    fail_on: str | None = None

    def _note(self, name: str, *args: Any) -> None:
        if name == self.fail_on:
            raise RuntimeError(f"{name} refused")
        self.calls.append((name, args))

    async def add_toxic(
        self, proxy: str, *, name: str, type: str, stream: str, toxicity: float, attributes: Mapping[str, Any]
    ) -> None:
        self._note("add_toxic", proxy, name, type, stream)

    async def remove_toxic(self, proxy: str, name: str) -> None:
        self._note("remove_toxic", proxy, name)

    async def remove_all_toxics(self) -> None:
        self._note("remove_all_toxics")

    async def set_enabled(self, proxy: str, enabled: bool) -> None:
        self._note("set_enabled", proxy, enabled)

    async def set_behaviour(self, provider: str, behaviour: Mapping[str, Any]) -> None:
        self._note("set_behaviour", provider, dict(behaviour))

    async def reset(self, provider: str | None = None) -> None:
        self._note("reset", provider)

    async def kill(self) -> None:
        self._note("kill")

    async def restart(self) -> None:
        self._note("restart")

    async def ensure_running(self) -> None:
        self._note("ensure_running")


@dataclass(frozen=True)
class Env:
    double: Recording

    @property
    def proxies(self) -> Recording:
        return self.double

    @property
    def providers(self) -> Recording:
        return self.double

    @property
    def target(self) -> Recording:
        return self.double

    @property
    def redis(self) -> Recording:
        return self.double


def action(data: dict[str, Any]) -> ActionSpec:
    return ACTIONS[data["action"]].model_validate(data)


async def test_actions_run_in_order_and_windows_close_when_undone() -> None:
    double = Recording()
    log = TimelineLog(time.monotonic())
    method = [
        action({"action": "kill_server", "at": 0.2, "duration": 0.2}),
        action(
            {
                "action": "add_toxic",
                "proxy": "openai",
                "toxic": {"type": "latency"},
                "at": 0.0,
                "duration": 0.1,
            }
        ),
    ]
    await run_timeline(method, Env(double), log, start=0.05)
    assert [name for name, _ in double.calls] == ["add_toxic", "remove_toxic", "kill", "restart"]
    assert double.calls[1][1] == ("openai", "latency_downstream")
    toxic, down = log.windows
    assert toxic.key == "toxic:openai/latency_downstream" and toxic.end is not None
    assert 0.08 <= toxic.end - toxic.start <= 0.3
    assert down.key == "server:down" and down.end is not None and down.start >= 0.2


async def test_a_failing_action_is_logged_and_the_timeline_carries_on() -> None:
    double = Recording(fail_on="set_enabled")
    log = TimelineLog(time.monotonic())
    method = [
        action({"action": "disable_proxy", "proxy": "openai"}),
        action({"action": "reset_providers", "at": 0.05}),
    ]
    await run_timeline(method, Env(double), log, start=0.0)
    assert [name for name, _ in double.calls] == ["reset"]
    assert log.actions[0][2] == "RuntimeError: set_enabled refused"
    assert log.windows == []  # a fault that never started is not shaded


async def test_clearing_actions_close_matching_windows() -> None:
    double = Recording()
    log = TimelineLog(time.monotonic())
    method = [
        action({"action": "set_behaviour", "provider": "openai", "behaviour": {"default": {}}}),
        action({"action": "reset_providers", "at": 0.05}),
    ]
    await run_timeline(method, Env(double), log, start=0.0)
    assert log.windows[0].end is not None and log.active() == []


def test_the_timeline_names_the_fault_not_the_behaviour_keys() -> None:
    def described(**fields: Any) -> str:
        return ACTIONS[fields["action"]].model_validate(fields).describe()

    hang = {"default": {"faults": [{"kind": "hang"}]}}
    assert described(action="set_behaviour", provider="openai", behaviour=hang) == "openai: hang"
    storm = {"default": {"faults": [{"kind": "error", "status": 429, "retry_after_s": 1, "rate": 0.8}]}}
    assert described(action="set_behaviour", provider="openai", behaviour=storm) == (
        "openai: error 429 (Retry-After 1s) 80%"
    )
    mixed = {
        "default": {"faults": [{"kind": "truncated", "rate": 0.075}], "latency": {"fixed_ms": 40}},
        "models": {"o3": {"faults": [{"kind": "error", "status": 503}]}},
    }
    assert described(action="set_behaviour", provider="openai", behaviour=mixed) == (
        "openai: truncated 7.5%, latency fixed_ms=40; o3: error 503"
    )
    resets = {"type": "reset_peer", "toxicity": 0.3, "attributes": {"timeout": 20}}
    assert described(action="add_toxic", proxy="openai", toxic=resets) == (
        "toxic reset_peer(timeout=20) on openai (30% of connections)"
    )
