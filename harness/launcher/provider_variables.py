"""Which environment variables belong to a model provider, read from zen_server's provider table.

The table (``zen_server/provider_table.json``) is the one list of providers; the harness reads
it as data, so it wires the fakes and removes real settings for exactly the providers the
server knows, and a provider added there is covered here without an edit. A few variables
that are not in the table but still carry a real account (another SDK's key name, a CLI
agent's key) are listed beside it, and any variable named ``*_API_KEY`` is treated as a key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

# Keys read by SDKs or CLI agents the server may start, outside the provider table.
_OTHER_REAL_VARIABLES = frozenset({"GOOGLE_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_GENAI_API_KEY"})
# Beyond the table: any key, token or endpoint variable, so an upstream baseline's own names
# (DIAL_API_KEY, AZURE_OPENAI_ENDPOINT...) are dropped too.
_KEY_SUFFIXES = ("_API_KEY", "_API_TOKEN", "_BASE_URL", "_API_URL", "_API_HOST", "_ENDPOINT")


@dataclass(frozen=True, slots=True)
class ProviderVariables:
    """One provider's names as the harness needs them: what to set to point it at a fake."""

    name: str
    dialect: str
    key_variable: str
    url_variable: str
    variables: tuple[str, ...]  # every variable it reads (key, URL, version, allow-list)


def _load() -> dict[str, ProviderVariables]:
    text = resources.files("zen_server").joinpath("provider_table.json").read_text("utf-8")
    table: dict[str, Any] = json.loads(text)
    out: dict[str, ProviderVariables] = {}
    for item in table["providers"]:
        optional = (item.get("allowed_models_variable"), item.get("api_version_variable"))
        variables = (item["key_variable"], item["url_variable"], *(v for v in optional if v))
        out[item["name"]] = ProviderVariables(
            item["name"], item["dialect"], item["key_variable"], item["url_variable"], variables
        )
    return out


PROVIDERS: dict[str, ProviderVariables] = _load()
PROVIDER_VARIABLES: frozenset[str] = frozenset(
    {name for entry in PROVIDERS.values() for name in entry.variables} | _OTHER_REAL_VARIABLES
)


def is_real_provider_variable(name: str) -> bool:
    """True for a variable that could point a server at a real provider or carry a real key."""
    upper = name.upper()
    return upper in PROVIDER_VARIABLES or upper.endswith(_KEY_SUFFIXES)


def provider_for(name: str, dialect: str) -> ProviderVariables:
    """The table's provider called ``name`` when it speaks ``dialect``, else the dialect's own one.

    A chaos scenario names its fakes freely: ``openrouter`` wires OPENROUTER_*, while a fake
    called ``primary`` of the openai dialect wires OPENAI_*.
    """
    entry = PROVIDERS.get(name)
    if entry is not None and entry.dialect == dialect:
        return entry
    return PROVIDERS[dialect]


__all__ = [
    "PROVIDERS",
    "PROVIDER_VARIABLES",
    "ProviderVariables",
    "is_real_provider_variable",
    "provider_for",
]
