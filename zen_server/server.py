"""The composition root: build the application from settings, and nothing else.

Every component is constructed here and handed what it needs; no decisions are made
here beyond which implementation to build. Transports (``zen_server.mcp``) and the
command line (``zen_server.cli``) take a :class:`ZenApp` and never build parts themselves.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from starlette.routing import BaseRoute

from zen_server.cache.build import build_model_caller, watched_caches
from zen_server.cache.caller import CachingModelCaller
from zen_server.config import Settings
from zen_server.conversation.build import build_store
from zen_server.conversation.service import ConversationService
from zen_server.conversation.types import ConversationStore
from zen_server.executor import ToolExecutor
from zen_server.files import FileAccess
from zen_server.observability.events import SystemEvent
from zen_server.observability.hub import ObservabilityHub
from zen_server.observability.ops import ops_routes
from zen_server.observability.ops_access import OpsAccess
from zen_server.observability.readiness import ReadinessReport, assess_readiness
from zen_server.observability.startup import startup_event
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.gateway import ModelGateway, build_model_gateway
from zen_server.providers.routing.clients import routed_catalog
from zen_server.resilience.admission import AdmissionController
from zen_server.resilience.drain import Drain
from zen_server.resilience.memory import MemoryGuard
from zen_server.tools.registry import ToolRegistry

logger = logging.getLogger("zen_server")


@dataclass(slots=True)
class ZenApp:
    """Everything a running server is made of; ``start()`` before use, ``aclose()`` after."""

    settings: Settings
    hub: ObservabilityHub
    catalog: ModelCatalog
    gateway: ModelGateway
    models: CachingModelCaller  # what tools call: the response cache and single-flight, then the gateway
    store: ConversationStore
    conversation: ConversationService
    memory_guard: MemoryGuard
    admission: AdmissionController
    drain: Drain
    registry: ToolRegistry
    files: FileAccess
    executor: ToolExecutor
    warnings: tuple[str, ...] = ()  # settings that work but will disappoint: logged at start

    async def start(self, **facts: object) -> None:
        """Start background work (samplers, TTL sweeper); ``facts`` go into the startup event."""
        await self.hub.start()
        self.memory_guard.start()
        await self.conversation.start()
        for warning in self.warnings:
            logger.warning(warning)
        self.hub.emit(
            startup_event(self.settings, tools=self.registry.names(), warnings=list(self.warnings), **facts)
        )

    async def aclose(self) -> None:
        """Stop in reverse order of dependence; the hub last, so shutdown is still recorded."""
        self.hub.emit(SystemEvent(kind="shutdown"))
        await self.models.aclose()
        await self.gateway.aclose()
        await self.conversation.aclose()
        await self.memory_guard.aclose()
        self.files.pool.shutdown()
        await self.hub.aclose()

    async def readiness(self) -> ReadinessReport:
        return assess_readiness(
            breaker_states=self.gateway.breaker_states(),
            configured_providers=self.catalog.configured_providers(),
            provider_setup_hint=self.catalog.provider_setup_hint(),
            memory_level=self.memory_guard.level(),
            store_reachable=await self.store.ping() if self.settings.distributed_mode else None,
            draining=self.drain.draining,
        )

    def ops_routes(self) -> list[BaseRoute]:
        """/metrics, /health, /ready, /dashboard for the HTTP app or the stdio ops listener."""
        return ops_routes(self.hub, self.readiness, OpsAccess.from_settings(self.settings))


def build_app(settings: Settings) -> ZenApp:
    """Construct (but do not start) the whole server from ``settings``.

    The parts that check settings against their own data (tool names, models, providers)
    are built first, so a ConfigurationError leaves nothing open behind it.
    """
    catalog, deployments = routed_catalog(settings, ModelCatalog.from_settings(settings))
    registry = ToolRegistry.default(settings)
    default_model_warning = catalog.check_default_model(settings.default_model)
    warnings = [*registry.warnings, catalog.missing_providers_warning(), default_model_warning]
    hub = ObservabilityHub(settings)
    gateway = build_model_gateway(settings, catalog, hub, deployments)
    models = build_model_caller(settings, gateway)
    memory_guard = MemoryGuard(settings.memory_limit_mb, hub)
    store = build_store(settings, hub, memory_guard)
    conversation = ConversationService(store, settings, hub)
    admission = AdmissionController.from_settings(settings, hub, memory_guard)
    drain = Drain(admission, timeout_s=settings.zen_drain_timeout_s)
    files = FileAccess.from_settings(settings)
    executor = ToolExecutor(registry, conversation, models, catalog, drain, settings, hub, files=files)
    hub.watch_caches(watched_caches(models, files.content_cache))
    return ZenApp(
        settings=settings,
        hub=hub,
        catalog=catalog,
        gateway=gateway,
        models=models,
        store=store,
        conversation=conversation,
        memory_guard=memory_guard,
        admission=admission,
        drain=drain,
        registry=registry,
        files=files,
        executor=executor,
        warnings=tuple(w for w in warnings if w),
    )


__all__ = ["ZenApp", "build_app"]
