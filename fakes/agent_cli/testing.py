"""Client files (upstream's clink format) that point clink at the fake CLIs.

folder = write_cli_clients(tmp_path / "clients", env={"ZEN_FAKE_CLI_PIDFILE": "..."})
# then CLI_CLIENTS_CONFIG_PATH=folder for zen-server (or any server reading this format)
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fakes.agent_cli.formats import CLI_NAMES

# Upstream's role set, with upstream's prompt names (which clink maps to its own prompts).
UPSTREAM_ROLES: dict[str, dict[str, Any]] = {
    "default": {"prompt_path": "systemprompts/clink/default.txt"},
    "planner": {"prompt_path": "systemprompts/clink/default_planner.txt"},
    "codereviewer": {"prompt_path": "systemprompts/clink/default_codereviewer.txt"},
}
# The arguments the built-in configurations add besides the ones that select machine output.
EXTRA_ARGS = {
    "claude": ["--permission-mode", "plan"],
    "codex": ["--json", "--sandbox", "read-only", "--skip-git-repo-check"],
    "gemini": ["--approval-mode", "plan"],
}


def fake_cli_command(cli: str, python: str = sys.executable) -> str:
    """The ``command`` value that runs the fake ``cli`` with this Python."""
    return f"{shlex.quote(python)} -m fakes.agent_cli {cli}"


def write_cli_clients(
    folder: Path,
    *,
    clis: Sequence[str] = CLI_NAMES,
    env: Mapping[str, str] | None = None,
    timeout_s: int | None = None,
    roles: Mapping[str, Mapping[str, Any]] | None = None,
    working_dir: Path | None = None,
) -> Path:
    """One ``<cli>.json`` per fake CLI in ``folder`` (created); returns the folder.

    ``roles`` defaults to upstream's three (default, planner, codereviewer).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for cli in clis:
        config: dict[str, Any] = {
            "name": cli,
            "command": fake_cli_command(cli),
            "additional_args": EXTRA_ARGS[cli],
            "env": dict(env or {}),
            "roles": {name: dict(spec) for name, spec in (roles or UPSTREAM_ROLES).items()},
        }
        if timeout_s is not None:
            config["timeout_seconds"] = timeout_s
        if working_dir is not None:
            config["working_dir"] = str(working_dir)
        (folder / f"{cli}.json").write_text(json.dumps(config, indent=2))
    return folder


__all__ = ["EXTRA_ARGS", "UPSTREAM_ROLES", "fake_cli_command", "write_cli_clients"]
