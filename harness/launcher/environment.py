"""The environment a server under test runs with: the caller's, minus every real provider setting,
plus the variables that point it at the fakes.

This is the one function every run uses to build a server's environment (chaos, load, gates,
leaks, fuzz), so a developer's OPENROUTER_API_KEY or XAI_API_KEY can never reach a server
under test and, through fallback, a real and paid provider.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from harness.launcher.provider_variables import is_real_provider_variable, provider_for

FAKE_API_KEY = "sk-zen-harness-fake-key"  # the fakes accept any key; this one is never real


def without_real_providers(base: Mapping[str, str]) -> dict[str, str]:
    """``base`` without any variable that could reach a real provider or carry a real key."""
    return {k: v for k, v in base.items() if not is_real_provider_variable(k)}


def fake_provider_env(urls: Mapping[str, str], dialects: Mapping[str, str] | None = None) -> dict[str, str]:
    """Key and URL variables pointing providers at fakes: ``{provider name: base URL}``.

    ``dialects`` gives the wire dialect of a name the table does not know (a chaos fake called
    ``primary``); names the table knows need none.
    """
    env: dict[str, str] = {}
    for name, url in urls.items():
        entry = provider_for(name, (dialects or {}).get(name, name))
        env[entry.key_variable] = FAKE_API_KEY
        env[entry.url_variable] = url
    return env


def server_environment(
    wiring: Mapping[str, str] | None = None, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The full environment for a server under test (never merge it with ``os.environ`` again).

    ``base`` defaults to this process's environment; real provider settings are removed from
    it, always. ``wiring`` (fakes, scenario settings) is added after, and is trusted: it is
    the harness's own.
    """
    env = without_real_providers(os.environ if base is None else base)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(wiring or {})
    return env


__all__ = ["FAKE_API_KEY", "fake_provider_env", "server_environment", "without_real_providers"]
