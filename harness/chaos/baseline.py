"""``zen-harness run --target baseline:NAME``: a scenario aimed at an installed baseline.

For each scenario the baseline's profile either wires every fake provider under the
baseline's own variable names (a ``command`` target over stdio, run from the baseline's
work dir) or says why it cannot: that scenario is "not applicable" and does not run.
Settings of the scenario the baseline does not read (zen_server's tuning, such as
``ZEN_TOOL_DEADLINE_S``) are passed anyway and listed beside its verdict: the baseline is
judged on its own behaviour under the same fault. Before any scenario, the baseline must
start and answer ``tools/list``; if it does not, that is a harness error with its log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import anyio

from harness.baseline import registry
from harness.baseline.errors import BaselineError, BaselineStartError
from harness.baseline.profiles import ProviderWire, profile_named, scrubbed_environ
from harness.baseline.registry import Baseline
from harness.chaos.scenario import Scenario
from harness.mcp_client import McpClient, StdioEndpoint

PREFIX = "baseline:"
START_TIMEOUT_S = 90.0
# A start check needs some provider configured (the upstream refuses to start without one);
# nothing is called at start, and this address refuses connections if anything were.
START_CHECK_ENV = {"CUSTOM_API_URL": "http://127.0.0.1:9/v1", "CUSTOM_API_KEY": "chaos-fake-key"}


@dataclass(frozen=True)
class Planned:
    """A scenario's target override on the baseline, or why it is not applicable."""

    override: dict[str, Any] | None
    not_applicable: str | None = None
    notes: list[str] = field(default_factory=list)


def baseline_name(target: str) -> str | None:
    """``NAME`` of ``baseline:NAME``, None for any other target text."""
    return target[len(PREFIX) :] if target.startswith(PREFIX) else None


def resolve(target: str) -> Baseline:
    name = baseline_name(target)
    if not name:
        raise BaselineError(f"{target!r} is not baseline:NAME")
    return registry.load(name)


def _models(scenario: Scenario) -> list[str]:
    found = [
        str(t.arguments["model"]) for t in scenario.load.tools if isinstance(t.arguments.get("model"), str)
    ]
    return found or ["gpt-5"]


def plan(baseline: Baseline, scenario: Scenario) -> Planned:
    profile = profile_named(baseline.profile)
    providers = [ProviderWire(p.name, p.kind) for p in scenario.providers]
    reason = profile.not_applicable(providers)
    if reason is not None:
        return Planned(None, reason)
    work = baseline.workdir
    (work / "logs").mkdir(parents=True, exist_ok=True)
    env = profile.env(providers, _models(scenario), work, scenario.name)
    lacking = profile.lacks(list(scenario.target.env))
    unread = ", ".join(lacking)
    notes = (
        [f"{baseline.name} does not read {unread} (zen_server's tuning): judged as it is"] if lacking else []
    )
    override = {
        "kind": "command",
        "transport": baseline.transport,
        "command": list(baseline.command),
        "env": {**scenario.target.env, **env},
        "wire_provider_env": False,  # the profile's variables replace zen_server's
        "startup_timeout_s": max(scenario.target.startup_timeout_s, 60.0),
    }
    return Planned(override, None, notes)


async def _list_tools(baseline: Baseline, log: str) -> list[str]:
    profile = profile_named(baseline.profile)
    fixed = profile.env([], [], baseline.workdir, "start-check")
    endpoint = StdioEndpoint(
        baseline.command[0],
        tuple(baseline.command[1:]),
        env=scrubbed_environ() | fixed | START_CHECK_ENV,
        cwd=str(baseline.workdir),
        inherit_env=False,
        stderr_path=log,
    )
    with anyio.fail_after(START_TIMEOUT_S):
        async with McpClient.connect(endpoint, init_timeout_s=START_TIMEOUT_S) as client:
            return await client.list_tools(timeout_s=START_TIMEOUT_S)


def check_starts(baseline: Baseline) -> list[str]:
    """The baseline's tool names; ``BaselineStartError`` (with its log) when it does not answer."""
    baseline.workdir.mkdir(parents=True, exist_ok=True)
    log = baseline.folder / "start-check.log"
    log.write_text("")
    try:
        tools = anyio.run(_list_tools, baseline, str(log))
    except Exception as exc:  # any failure to start or speak MCP is the same harness error
        raise BaselineStartError(
            f"{baseline.label} did not start or answer tools/list: {type(exc).__name__}: {exc}", log
        ) from exc
    if not tools:
        raise BaselineStartError(f"{baseline.label} started but lists no tools", log)
    return tools
