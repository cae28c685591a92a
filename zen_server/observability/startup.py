"""The start-up audit event: the configuration the server runs with, without its secrets.

Owns :func:`startup_event`. It names which providers have keys, never the keys; URLs lose
any user-info (``redis://:password@host``) before they are recorded.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from zen_server.config import Settings
from zen_server.observability.events import SystemEvent
from zen_server.provider_table import configured_providers


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def configured_provider_names(settings: Settings) -> list[str]:
    """Providers configured by the provider table's rule (the same the catalog applies)."""
    return list(configured_providers(settings))


def startup_event(settings: Settings, **extra: object) -> SystemEvent:
    """A ``startup`` SystemEvent; ``extra`` adds facts only the caller knows (transport, port, tools)."""
    detail: dict[str, object] = {
        "providers": configured_provider_names(settings),
        "default_model": settings.default_model,
        "disabled_tools": sorted(settings.disabled_tool_names),
        "max_concurrent_requests": settings.max_concurrent_requests,
        "max_queued_requests": settings.max_queued_requests,
        "max_queue_wait_s": settings.max_queue_wait_s,
        "memory_limit_mb": settings.memory_limit_mb,
        "tool_deadline_s": settings.zen_tool_deadline_s,
        "distributed_mode": settings.distributed_mode,
        "redis_url": _without_userinfo(settings.redis_url) if settings.distributed_mode else None,
        "ops_port": settings.zen_ops_port,
        "audit_log": str(settings.zen_audit_log) if settings.zen_audit_log else None,
        "auth_required": settings.zen_auth_token is not None,
    }
    detail.update(extra)
    return SystemEvent(kind="startup", detail=detail)
