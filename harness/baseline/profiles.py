"""What a baseline reads: how each fake provider reaches it, under the baseline's own names.

A profile turns a scenario's providers (name, dialect) into environment variables for the
baseline, with ``{provider.NAME.url}`` placeholders the chaos target fills in, or says why
the wiring cannot apply (then the scenario is "not applicable", never run half-wired).

- ``pal`` (pal-mcp-server, zen-mcp-server; facts read from 11.8.2's providers/): OpenAI,
  OpenRouter and X.AI have fixed base URLs in the upstream, so an OpenAI-dialect fake can
  only be reached as its Custom provider (``CUSTOM_API_URL``), one endpoint at most, with
  the scenario's model names declared in a ``CUSTOM_MODELS_CONFIG_PATH`` file; Gemini
  honours ``GEMINI_BASE_URL``. OPENAI_API_KEY and friends stay unset: with a key and a
  fixed real URL the upstream would call the real provider.
- ``generic`` (any other server): the variables zen_server reads (``harness.chaos.wiring``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.launcher import without_real_providers

DUMMY_KEY = "chaos-fake-key"


# Inherited variables that could point a server at, or authenticate to, a real provider
# (the upstream also reads DIAL_API_HOST, AZURE_OPENAI_ENDPOINT, ...): never passed on.
def scrubbed_environ() -> dict[str, str]:
    """This process's environment without any provider key or endpoint (the launcher's rule)."""
    return without_real_providers(os.environ)


@dataclass(frozen=True)
class ProviderWire:
    name: str
    kind: str  # "openai" (the OpenAI dialect) or "gemini"


@dataclass(frozen=True)
class Profile:
    name: str
    distributions: tuple[str, ...]
    settings: frozenset[str] | None  # scenario target-env variables it reads (None: unknown)
    fixed_env: tuple[tuple[str, str], ...] = ()  # always set; {work} is the baseline's work dir

    def not_applicable(self, providers: Sequence[ProviderWire]) -> str | None:
        """Why these providers cannot all be wired to this baseline (None: they can)."""
        if self.name != "pal":
            return None
        openai_like = [p.name for p in providers if p.kind == "openai"]
        if len(openai_like) > 1:
            return (
                f"the scenario needs {len(openai_like)} OpenAI-compatible providers "
                f"({', '.join(openai_like)}); the upstream reads one such endpoint (CUSTOM_API_URL) and "
                "fixed URLs for OpenAI/OpenRouter/X.AI, which would reach real providers"
            )
        return None

    def env(
        self, providers: Sequence[ProviderWire], models: Sequence[str], work: Path, tag: str
    ) -> dict[str, str]:
        """Variables wiring ``providers`` (placeholders for their URLs) and the fixed ones."""
        env = {key: value.replace("{work}", str(work)) for key, value in self.fixed_env}
        for provider in providers:
            url = "{provider." + provider.name + ".url}"
            if provider.kind == "gemini":
                env.update(GEMINI_API_KEY=DUMMY_KEY, GEMINI_BASE_URL=url)
            elif self.name == "pal":
                config = work / f"custom-models-{tag}.json"
                config.write_text(json.dumps(custom_models(models)), encoding="utf-8")
                env.update(
                    CUSTOM_API_URL=url, CUSTOM_API_KEY=DUMMY_KEY, CUSTOM_MODELS_CONFIG_PATH=str(config)
                )
            elif provider.name == "custom":
                env.update(CUSTOM_API_URL=url, CUSTOM_API_KEY=DUMMY_KEY)
            elif provider.name in {"openrouter", "xai"}:
                prefix = provider.name.upper()
                env.update({f"{prefix}_API_KEY": DUMMY_KEY, f"{prefix}_BASE_URL": url})
            else:
                env.update(OPENAI_API_KEY=DUMMY_KEY, OPENAI_BASE_URL=url)
        return env

    def lacks(self, settings: Sequence[str]) -> list[str]:
        """The scenario settings this server does not read (they tune zen_server only)."""
        known = self.settings
        return [] if known is None else [name for name in settings if name not in known]


def custom_models(models: Sequence[str]) -> dict[str, object]:
    """A custom_models.json (the upstream's format) declaring ``models`` for the Custom provider."""
    entry = {
        "context_window": 128000, "max_output_tokens": 8192, "supports_extended_thinking": False,
        "supports_json_mode": False, "supports_function_calling": False, "supports_images": False,
        "max_image_size_mb": 0.0, "supports_temperature": True, "intelligence_score": 10,
    }  # fmt: skip
    return {
        "models": [
            {"model_name": model, "aliases": [], "description": f"fake {model} (zen-harness)", **entry}
            for model in dict.fromkeys(models)
        ]
    }


PAL = Profile(
    name="pal",
    distributions=("pal-mcp-server", "zen-mcp-server"),
    settings=frozenset({"CUSTOM_MODEL_NAME", "DEFAULT_MODEL", "CUSTOM_API_URL", "GEMINI_BASE_URL"}),
    # Its logs and state go to the baseline's work dir, never to a checkout or ~/.
    # The workspace root is the run's scratch dir ({workdir}), where the load's paths point.
    fixed_env=(
        ("PAL_LOG_DIR", "{work}/logs"),
        ("PAL_STATE_DIR", "{work}/state"),
        ("LOG_LEVEL", "INFO"),
        ("PAL_WORKSPACE_ROOT", "{workdir}"),
    ),
)
GENERIC = Profile(name="generic", distributions=(), settings=None)
PROFILES = {profile.name: profile for profile in (PAL, GENERIC)}


def profile_for(distribution: str) -> Profile:
    wanted = distribution.lower().replace("_", "-")
    return next((p for p in PROFILES.values() if wanted in p.distributions), GENERIC)


def profile_named(name: str) -> Profile:
    return PROFILES.get(name, GENERIC)
