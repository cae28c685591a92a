"""Build one Provider per configured provider from Settings (base URLs all overridable).

Which provider speaks which dialect, and its wire details, come from the provider table
(``zen_server.provider_table``): a Gemini-dialect provider gets a :class:`GeminiProvider`,
every other an :class:`OpenAICompatibleProvider` on the entry's :class:`OpenAIEndpoint`.
Each provider gets its own ``httpx.AsyncClient``.
"""

from __future__ import annotations

from zen_server.config import Settings
from zen_server.provider_table import provider_entry
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.gemini import GeminiProvider
from zen_server.providers.openai_compatible import OpenAICompatibleProvider, OpenAIEndpoint
from zen_server.providers.types import Provider


def endpoint_for(provider: str, settings: Settings) -> OpenAIEndpoint:
    """The wire details of an OpenAI-compatible provider."""
    entry = provider_entry(provider)
    if entry.dialect != "openai":
        raise ValueError(f"{provider} is not an OpenAI-compatible provider")
    return OpenAIEndpoint(
        entry.name,
        entry.url(settings),
        entry.key(settings),
        auth_header=entry.auth_header,
        deployments=entry.deployments,
        api_version=entry.api_version(settings),
        token_field=entry.token_field,
        extra_headers=dict(entry.extra_headers),
    )


def build_providers(settings: Settings, catalog: ModelCatalog) -> dict[str, Provider]:
    providers: dict[str, Provider] = {}
    for name in catalog.configured_providers():
        entry = provider_entry(name)
        if entry.dialect == "gemini":
            providers[name] = GeminiProvider(
                entry.key(settings) or "",
                base_url=entry.url(settings),
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
