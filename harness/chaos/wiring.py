"""How the target finds the fakes: environment variables and ``{provider.NAME.url}`` values.

An OpenAI-dialect provider named ``custom``, ``openrouter`` or ``xai`` becomes that
provider's variables (``CUSTOM_API_URL``, ``OPENROUTER_BASE_URL``, ``XAI_BASE_URL``); any
other becomes ``OPENAI_BASE_URL``; a Gemini one ``GEMINI_BASE_URL``. The URL is
the provider's proxy when it is proxied, else the fake itself. Keys are dummies.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from harness.chaos.environment import FakeProviders
from harness.chaos.scenario import Scenario

DUMMY_KEY = "chaos-fake-key"


def provider_wiring(
    scenario: Scenario, providers: FakeProviders, listen: Mapping[str, str], workdir: Path
) -> tuple[dict[str, str], dict[str, str]]:
    """(environment variables for the target, placeholder values for its command/env)."""
    env: dict[str, str] = {}
    values: dict[str, str] = {"workdir": str(workdir)}
    for spec in scenario.providers:
        root = f"http://{listen[spec.name]}" if spec.name in listen else providers.base_url(spec.name)
        url = f"{root}/v1" if spec.kind == "openai" else root
        values[f"provider.{spec.name}.url"] = url
        if spec.kind == "gemini":
            env.update(GEMINI_API_KEY=DUMMY_KEY, GEMINI_BASE_URL=url)
        elif spec.name == "custom":
            env.update(CUSTOM_API_URL=url, CUSTOM_API_KEY=DUMMY_KEY)
        elif spec.name in {"openrouter", "xai"}:
            prefix = spec.name.upper()
            env.update({f"{prefix}_API_KEY": DUMMY_KEY, f"{prefix}_BASE_URL": url})
        else:
            env.update(OPENAI_API_KEY=DUMMY_KEY, OPENAI_BASE_URL=url)
    values.update(target_files(scenario, values, workdir))
    return env, values


def target_files(scenario: Scenario, values: Mapping[str, str], workdir: Path) -> dict[str, str]:
    """Write the target's ``files`` (placeholders filled) into ``workdir``; ``{file.NAME}`` values."""
    from harness.chaos.environment.target import fill  # the target's own placeholder rule

    written: dict[str, str] = {}
    for name, text in scenario.target.files.items():
        path = workdir / name
        path.write_text(fill(text, values))
        written[f"file.{name}"] = str(path)
    return written
