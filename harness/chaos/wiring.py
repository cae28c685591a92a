"""How the target finds the fakes: environment variables and ``{provider.NAME.url}`` values.

A fake named after a provider in zen_server's provider table that speaks the same dialect
(``openrouter``, ``xai``, ``custom``...) becomes that provider's variables; any other becomes
its dialect's own provider (``OPENAI_*`` or ``GEMINI_*``). The launcher picks the variable
names (``harness.launcher.fake_provider_env``). The URL is the provider's proxy when it is
proxied, else the fake itself. Keys are dummies.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from harness.chaos.environment import FakeProviders
from harness.chaos.scenario import Scenario
from harness.launcher import fake_provider_env, fill


def provider_wiring(
    scenario: Scenario, providers: FakeProviders, listen: Mapping[str, str], workdir: Path
) -> tuple[dict[str, str], dict[str, str]]:
    """(environment variables for the target, placeholder values for its command/env)."""
    urls: dict[str, str] = {}
    values: dict[str, str] = {"workdir": str(workdir)}
    for spec in scenario.providers:
        root = f"http://{listen[spec.name]}" if spec.name in listen else providers.base_url(spec.name)
        url = f"{root}/v1" if spec.kind == "openai" else root
        values[f"provider.{spec.name}.url"] = url
        urls[spec.name] = url
    dialects = {spec.name: spec.kind for spec in scenario.providers}
    values.update(target_files(scenario, values, workdir))
    return fake_provider_env(urls, dialects), values


def target_files(scenario: Scenario, values: Mapping[str, str], workdir: Path) -> dict[str, str]:
    """Write the target's ``files`` (placeholders filled) into ``workdir``; ``{file.NAME}`` values."""
    written: dict[str, str] = {}
    for name, text in scenario.target.files.items():
        path = workdir / name
        path.write_text(fill(text, values))
        written[f"file.{name}"] = str(path)
    return written
