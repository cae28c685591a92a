"""Build the caches from settings (called by the composition root only)."""

from __future__ import annotations

from zen_server.cache.caller import CachingModelCaller
from zen_server.cache.file_cache import FileContentCache
from zen_server.cache.redis_tier import RedisTier
from zen_server.cache.response_cache import ResponseCache
from zen_server.config import Settings
from zen_server.observability.cache_metrics import WatchedCache
from zen_server.providers.gateway import ModelGateway


def build_response_cache(settings: Settings) -> ResponseCache | None:
    if settings.zen_response_cache == "off":
        return None
    shared = None
    if settings.zen_response_cache == "redis":
        shared = RedisTier.from_url(
            settings.redis_url,
            prefix=settings.zen_redis_prefix,
            ttl_s=settings.zen_response_cache_ttl_s,
            timeout_s=settings.zen_response_cache_redis_timeout_s,
        )
    return ResponseCache(
        settings.zen_response_cache_mb * 1_048_576, settings.zen_response_cache_ttl_s, shared=shared
    )


def build_model_caller(settings: Settings, gateway: ModelGateway) -> CachingModelCaller:
    return CachingModelCaller(
        gateway,
        gateway.target_for,
        cache=build_response_cache(settings),
        single_flight=settings.zen_single_flight,
    )


def watched_caches(models: CachingModelCaller, content: FileContentCache | None) -> dict[str, WatchedCache]:
    """Every cache of one server by its metrics label (README "Caching" lists them)."""
    watched: dict[str, WatchedCache] = {}
    if content is not None:
        watched["file_content"] = WatchedCache(content.stats, lambda: content.bytes)
    if models.flights is not None:
        watched["provider_single_flight"] = WatchedCache(models.flights.stats)
    cache = models.cache
    if cache is not None:
        watched["response_memory"] = WatchedCache(
            cache.memory.stats, lambda: cache.memory.bytes, by_tool=lambda: models.by_tool
        )
        shared = cache.shared
        if isinstance(shared, RedisTier):
            watched["response_redis"] = WatchedCache(shared.stats, errors=lambda: shared.errors)
    return watched


__all__ = ["build_model_caller", "build_response_cache", "watched_caches"]
