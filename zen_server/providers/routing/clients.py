"""One provider client per deployment, and the deployments bound to the catalog's names.

A deployment speaks its ``kind``'s dialect with that provider's wire details (from the
provider table) at its own base URL with its own key; each gets its own HTTP client, so
one slow deployment's connections never hold another's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from zen_server.config import Settings
from zen_server.errors import ConfigurationError
from zen_server.provider_table import provider_entry
from zen_server.providers.catalog import ModelCatalog, ModelSpec
from zen_server.providers.gemini import GeminiProvider
from zen_server.providers.openai_compatible import OpenAICompatibleProvider, OpenAIEndpoint
from zen_server.providers.routing.deployments import Deployment, load_deployments
from zen_server.providers.types import Provider


def bind_to_catalog(
    deployments: Sequence[Deployment], specs: Sequence[ModelSpec], *, source: str
) -> list[Deployment]:
    """Each deployment's models keyed by the catalog's canonical name; an unknown one is named."""
    bound: list[Deployment] = []
    for index, deployment in enumerate(deployments):
        models: dict[str, str] = {}
        for name, wire in deployment.models.items():
            spec = next((s for s in specs if s.answers_to(name)), None)
            if spec is None:
                raise ConfigurationError(
                    f"ZEN_DEPLOYMENTS: {source}: deployments[{index}] ({deployment.name}): models: "
                    f"{name!r} is not a model of the catalog (listmodels shows them; custom models "
                    "go in CUSTOM_MODELS_CONFIG_PATH)"
                )
            models[spec.name.lower()] = wire
        bound.append(dataclasses.replace(deployment, models=models))
    return bound


def routed_catalog(settings: Settings, catalog: ModelCatalog) -> tuple[ModelCatalog, list[Deployment]]:
    """The deployments of ZEN_DEPLOYMENTS (checked), and the catalog with their models usable."""
    path = settings.zen_deployments
    deployments = bind_to_catalog(load_deployments(path), catalog.all_models(), source=str(path))
    if not deployments:
        return catalog, []
    served = frozenset(model for deployment in deployments for model in deployment.models)
    return catalog.with_served(served), deployments


def build_deployment_providers(
    deployments: Sequence[Deployment], settings: Settings, catalog: ModelCatalog
) -> dict[str, Provider]:
    providers: dict[str, Provider] = {}
    for deployment in deployments:
        entry = provider_entry(deployment.kind)
        max_connections = deployment.max_in_flight or settings.provider_max_in_flight
        if entry.dialect == "gemini":
            providers[deployment.name] = GeminiProvider(
                deployment.api_key or "",
                base_url=deployment.base_url,
                catalog=catalog,
                connect_timeout_s=settings.zen_connect_timeout_s,
                read_timeout_s=settings.zen_read_timeout_s,
                max_connections=max_connections,
            )
            continue
        endpoint = OpenAIEndpoint(
            entry.name,
            deployment.base_url,
            deployment.api_key,
            auth_header=entry.auth_header,
            deployments=entry.deployments,
            api_version=entry.api_version(settings),
            token_field=entry.token_field,
            extra_headers=dict(entry.extra_headers),
        )
        providers[deployment.name] = OpenAICompatibleProvider(
            endpoint,
            catalog=catalog,
            connect_timeout_s=settings.zen_connect_timeout_s,
            read_timeout_s=settings.zen_read_timeout_s,
            max_connections=max_connections,
        )
    return providers
