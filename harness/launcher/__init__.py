"""The one launcher for servers under test, used by chaos, load, gates, leaks and fuzz runs.

Every server the harness starts gets its environment from ``server_environment``: the
caller's environment without any real provider setting (key, URL, allow-list, from
zen_server's provider table, plus any ``*_API_KEY``), then the variables that point it at
the fakes. ``free_port``, the zen_server commands and the sync fake-provider set live here
too, so no run builds them its own way.
"""

from harness.launcher.commands import (
    ZEN_HTTP_COMMAND,
    ZEN_STDIO_COMMAND,
    expand,
    fill,
    free_port,
    zen_server_command,
)
from harness.launcher.environment import (
    FAKE_API_KEY,
    fake_provider_env,
    server_environment,
    without_real_providers,
)
from harness.launcher.errors import LaunchError, ServerStartError
from harness.launcher.fakes import FakeProviders, provider_env
from harness.launcher.http_process import HttpServerProcess
from harness.launcher.provider_variables import is_real_provider_variable

__all__ = [
    "FAKE_API_KEY",
    "ZEN_HTTP_COMMAND",
    "ZEN_STDIO_COMMAND",
    "FakeProviders",
    "HttpServerProcess",
    "LaunchError",
    "ServerStartError",
    "expand",
    "fake_provider_env",
    "fill",
    "free_port",
    "is_real_provider_variable",
    "provider_env",
    "server_environment",
    "without_real_providers",
    "zen_server_command",
]
