"""Which environment variables a deployments file (ZEN_DEPLOYMENTS) names as keys.

It sits beside config, below every package: settings need these names to redact the keys,
and the routing package (above config) parses the rest of the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def key_variables(path: Path) -> tuple[str, ...]:
    """The variables the file names as ``api_key_env`` (for redaction); () when unreadable.

    Never raises: the start-up check (``zen_server.providers.routing.deployments``) reports a
    bad file.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ()
    entries = raw.get("deployments") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        return ()
    names = (entry.get("api_key_env") for entry in entries if isinstance(entry, dict))
    return tuple(name for name in names if isinstance(name, str) and ENV_NAME.match(name))
