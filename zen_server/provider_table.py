"""The provider table: which model providers exist and how each is reached and configured.

Owns the one list of providers (data in ``provider_table.json``): each provider's
environment variables, wire dialect and wire details, the rule that says whether it is
configured, and the order providers are ranked and listed in. Config, the model catalog,
the provider factory, ``listmodels``, the start-up event and the harness all derive from
it, so adding an OpenAI-compatible provider is one entry here plus its models in
``providers/models.json`` (and the Settings fields that parse its variables).

It sits at the bottom of the package tower beside ``config``: it imports nothing from
zen_server, and reads setting values through the variable names alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

Dialect = Literal["openai", "gemini"]
AuthHeader = Literal["bearer", "api-key", "Api-Key"]
TokenField = Literal["max_tokens", "max_completion_tokens"]


@dataclass(frozen=True, slots=True)
class ProviderEntry:
    """One provider: its variables (upstream names) and how its API is spoken."""

    name: str
    label: str  # how listmodels shows it
    dialect: Dialect
    key_variable: str
    url_variable: str
    key_required: bool = True
    url_required: bool = False  # False: the Settings field has a default URL
    allowed_models_variable: str | None = None
    api_version_variable: str | None = None
    # "bearer": Authorization: Bearer; "api-key" (Azure) and "Api-Key" (DIAL) carry the key as is.
    auth_header: AuthHeader = "bearer"
    deployments: bool = False  # {base}/openai/deployments/{model}/chat/completions
    token_field: TokenField = "max_tokens"
    extra_headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def required_variables(self) -> tuple[str, ...]:
        """What must be set (non-blank) for the provider to count as configured."""
        required = (self.key_variable,) if self.key_required else ()
        return required + ((self.url_variable,) if self.url_required else ())

    @property
    def variables(self) -> tuple[str, ...]:
        """Every environment variable the provider reads."""
        optional = (self.allowed_models_variable, self.api_version_variable)
        return (self.key_variable, self.url_variable, *(v for v in optional if v is not None))

    @property
    def how_to_enable(self) -> str:
        """``"AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT"``: for messages that say what to set."""
        return " and ".join(self.required_variables)

    def is_configured(self, settings: object) -> bool:
        return all(setting_value(settings, name) is not None for name in self.required_variables)

    def key(self, settings: object) -> str | None:
        return setting_value(settings, self.key_variable)

    def url(self, settings: object) -> str:
        return setting_value(settings, self.url_variable) or ""

    def api_version(self, settings: object) -> str | None:
        variable = self.api_version_variable
        return setting_value(settings, variable) if variable is not None else None


def setting_value(settings: object, variable: str) -> str | None:
    """The value of ``variable`` in Settings (secrets unwrapped), stripped; None when blank or unset."""
    value = getattr(settings, variable.lower(), None)
    if value is None:
        return None
    raw = value.get_secret_value() if hasattr(value, "get_secret_value") else value
    text = str(raw).strip()
    return text or None


def _entry(data: dict[str, Any]) -> ProviderEntry:
    headers = MappingProxyType(dict(data.pop("extra_headers", {})))
    return ProviderEntry(**data, extra_headers=headers)


def _load() -> tuple[tuple[ProviderEntry, ...], tuple[str, ...]]:
    text = resources.files("zen_server").joinpath("provider_table.json").read_text("utf-8")
    data = json.loads(text)
    return tuple(_entry(dict(item)) for item in data["providers"]), tuple(data["listing_order"])


PROVIDERS, LISTING_ORDER = _load()
PROVIDER_PRIORITY: tuple[str, ...] = tuple(entry.name for entry in PROVIDERS)
_BY_NAME = {entry.name: entry for entry in PROVIDERS}


def provider_entry(name: str) -> ProviderEntry:
    """The entry called ``name``; KeyError for a provider the table does not have."""
    return _BY_NAME[name]


def configured_providers(settings: object) -> tuple[str, ...]:
    """Names of the configured providers, in priority order."""
    return tuple(entry.name for entry in PROVIDERS if entry.is_configured(settings))


__all__ = [
    "LISTING_ORDER",
    "PROVIDERS",
    "PROVIDER_PRIORITY",
    "ProviderEntry",
    "configured_providers",
    "provider_entry",
    "setting_value",
]
