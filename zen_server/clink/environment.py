"""The environment a clink CLI runs with: an allowlist, never a copy of the server's.

A CLI is another vendor's program. It gets what any program needs to run (PATH, HOME,
locale, temp and proxy settings, its runtime's certificate options), the variables of its
own vendor (``ANTHROPIC_*`` for claude, ``OPENAI_*``/``CODEX_*`` for codex,
``GEMINI_*``/``GOOGLE_*`` for gemini), and the configuration's ``env`` block, applied last.
Nothing else: not another provider's key, not ZEN_AUTH_TOKEN, not the server's settings.
HOME stays because the CLIs keep their own sign-in there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

BASE_NAMES = frozenset(
    {
        "PATH", "HOME", "SHELL", "USER", "LOGNAME", "TMPDIR", "TEMP", "TMP",
        "TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "LANG", "LANGUAGE", "TZ",
        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
        "http_proxy", "https_proxy", "all_proxy", "no_proxy",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
        "NODE_EXTRA_CA_CERTS", "NODE_OPTIONS", "NODE_PATH",
        "SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT", "USERPROFILE", "APPDATA", "LOCALAPPDATA",
    }
)  # fmt: skip
BASE_PREFIXES = ("LC_", "XDG_")


def cli_environment(
    server_env: Mapping[str, str], vendor_prefixes: Sequence[str], configured: Mapping[str, str]
) -> dict[str, str]:
    """The allowlisted part of ``server_env``, the vendor's own variables, then ``configured``."""
    prefixes = (*BASE_PREFIXES, *vendor_prefixes)
    env = {k: v for k, v in server_env.items() if k in BASE_NAMES or k.startswith(prefixes)}
    env.update(configured)
    return env


__all__ = ["BASE_NAMES", "BASE_PREFIXES", "cli_environment"]
