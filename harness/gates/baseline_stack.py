"""The system a gate measures when it is a baseline: fake providers plus the baseline over stdio.

A pip-installed MCP server (the upstream PAL MCP Server) speaks stdio only, so each session
is a server process of its own, started by the MCP client with the baseline's own provider
variables pointing at the fakes and every real provider variable removed. Measurements that
need the server over HTTP (its /metrics, one process to sample) go through ``stack.serving``,
which says they are not applicable to a baseline.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from harness.baseline.profiles import ProviderWire, profile_named, scrubbed_environ
from harness.baseline.registry import Baseline
from harness.launcher import FakeProviders
from harness.mcp_client import StdioEndpoint


@dataclass(frozen=True)
class BaselineRunning:
    baseline: Baseline
    fakes: FakeProviders
    env: Mapping[str, str]
    log: str

    def endpoint(self) -> StdioEndpoint:
        command = self.baseline.command
        return StdioEndpoint(
            command[0],
            tuple(command[1:]),
            env=dict(self.env),
            cwd=str(self.baseline.workdir),
            inherit_env=False,
            stderr_path=self.log,
        )


@contextmanager
def baseline_serving(
    baseline: Baseline, name: str, *, behaviour: Mapping[str, Any], models: list[str], workdir: str, logs: str
) -> Iterator[BaselineRunning]:
    """Fakes (OpenAI dialect) + the baseline's variables for them; the sessions start the servers."""
    profile = profile_named(baseline.profile)
    baseline.workdir.mkdir(parents=True, exist_ok=True)
    with FakeProviders(behaviour, ("openai",)) as fakes:
        url = fakes.fakes["openai"].openai_base_url
        wired = profile.env([ProviderWire("openai", "openai")], models, baseline.workdir, f"gate-{name}")
        values = {"{provider.openai.url}": url, "{workdir}": workdir}
        env = scrubbed_environ() | {"PYTHONUNBUFFERED": "1"}
        for key, value in wired.items():
            for placeholder, filled in values.items():
                value = value.replace(placeholder, filled)
            env[key] = value
        yield BaselineRunning(baseline, fakes, env, f"{logs}/{name}.baseline.log")
