"""Timeline actions: one module per kind of fault or step, behind ``ActionSpec``.

Importing this package registers every built-in action in ``ACTIONS``.
"""

from harness.chaos.actions import behaviour, command, proxy_enabled, server, toxic
from harness.chaos.actions.base import (
    ACTIONS,
    ActionEnv,
    ActionSpec,
    ProviderControl,
    ProxyControl,
    TargetControl,
    register,
)

__all__ = [
    "ACTIONS",
    "ActionEnv",
    "ActionSpec",
    "ProviderControl",
    "ProxyControl",
    "TargetControl",
    "behaviour",
    "command",
    "proxy_enabled",
    "register",
    "server",
    "toxic",
]
