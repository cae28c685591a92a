"""Timeline actions: one module per kind of fault or step, behind ``ActionSpec``.

Importing this package registers every built-in action in ``ACTIONS``.
"""

from harness.chaos.actions import behaviour, cluster, command, proxy_enabled, redis, server, toxic
from harness.chaos.actions.base import (
    ACTIONS,
    ActionEnv,
    ActionSpec,
    ProviderControl,
    ProxyControl,
    RedisControl,
    TargetControl,
    register,
)

__all__ = [
    "ACTIONS",
    "ActionEnv",
    "ActionSpec",
    "ProviderControl",
    "ProxyControl",
    "RedisControl",
    "TargetControl",
    "behaviour",
    "cluster",
    "command",
    "proxy_enabled",
    "redis",
    "register",
    "server",
    "toxic",
]
