"""Build one Provider per configured provider from Settings (base URLs all overridable).

Which provider speaks which dialect is data here: everything but Gemini is an
:class:`OpenAIEndpoint` variant. Each provider gets its own ``httpx.AsyncClient``.
"""

from __future__ import annotations

from pydantic import SecretStr

from zen_server.config import Settings
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.gemini import GeminiProvider
from zen_server.providers.openai_compatible import OpenAICompatibleProvider, OpenAIEndpoint
from zen_server.providers.types import Provider


def _secret(value: SecretStr | None) -> str | None:
    raw = value.get_secret_value().strip() if value is not None else ""
    return raw or None


def endpoint_for(provider: str, settings: Settings) -> OpenAIEndpoint:
    """The wire details of an OpenAI-compatible provider."""
    if provider == "openai":
        return OpenAIEndpoint(
            "openai",
            settings.openai_base_url,
            _secret(settings.openai_api_key),
            token_field="max_completion_tokens",
        )
    if provider == "xai":
        return OpenAIEndpoint("xai", settings.xai_base_url, _secret(settings.xai_api_key))
    if provider == "openrouter":
        return OpenAIEndpoint(
            "openrouter",
            settings.openrouter_base_url,
            _secret(settings.openrouter_api_key),
            extra_headers={"X-Title": "Zen MCP Server"},
        )
    if provider == "azure":
        return OpenAIEndpoint(
            "azure",
            settings.azure_openai_endpoint or "",
            _secret(settings.azure_openai_api_key),
            auth_header="api-key",
            deployments=True,
            api_version=settings.azure_openai_api_version,
            token_field="max_completion_tokens",
        )
    if provider == "dial":
        return OpenAIEndpoint(
            "dial",
            settings.dial_api_host,
            _secret(settings.dial_api_key),
            auth_header="Api-Key",
            deployments=True,
            api_version=settings.dial_api_version,
        )
    if provider == "custom":
        return OpenAIEndpoint("custom", settings.custom_api_url or "", _secret(settings.custom_api_key))
    raise ValueError(f"{provider} is not an OpenAI-compatible provider")


def build_providers(settings: Settings, catalog: ModelCatalog) -> dict[str, Provider]:
    providers: dict[str, Provider] = {}
    for name in catalog.configured_providers():
        if name == "gemini":
            providers[name] = GeminiProvider(
                _secret(settings.gemini_api_key) or "",
                base_url=settings.gemini_base_url,
                catalog=catalog,
                connect_timeout_s=settings.zen_connect_timeout_s,
                read_timeout_s=settings.zen_read_timeout_s,
                max_connections=settings.provider_max_in_flight,
            )
        else:
            providers[name] = OpenAICompatibleProvider(
                endpoint_for(name, settings),
                catalog=catalog,
                connect_timeout_s=settings.zen_connect_timeout_s,
                read_timeout_s=settings.zen_read_timeout_s,
                max_connections=settings.provider_max_in_flight,
            )
    return providers
