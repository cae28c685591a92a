"""Where baselines live and what is recorded about each: one folder and one JSON per name.

``$XDG_CACHE_HOME/zen-harness/baselines/NAME/`` (``~/.cache`` when the variable is unset)
holds ``venv/``, ``install.log``, ``work/`` (the server's working directory, so files it
writes land there and never in a checkout) and ``baseline.json``: the requirements, the
command that runs the server, the distribution versions pip installed, and when.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness.baseline.errors import BaselineError, BaselineNotInstalled

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
RECORD = "baseline.json"


def cache_root() -> Path:
    """The user's cache folder for the harness (XDG Base Directory rules)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "zen-harness" / "baselines"


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise BaselineError(
            f"baseline name {name!r} is not usable: lower-case letters, digits, '.', '_' and '-', "
            "starting with a letter or digit (it becomes a folder name)"
        )
    return name


def baseline_dir(name: str) -> Path:
    return cache_root() / check_name(name)


@dataclass(frozen=True)
class Baseline:
    """One installed baseline, as ``baseline.json`` records it."""

    name: str
    requirements: list[str]
    command: list[str]  # argv of the MCP server over stdio
    transport: str  # "stdio": what pip-installed MCP servers speak
    distribution: str  # the distribution whose console script ``command`` runs
    versions: dict[str, str] = field(default_factory=dict)  # distribution -> installed version
    profile: str = "generic"  # harness.baseline.profiles: which variables it reads
    installed_at: str = ""

    @property
    def folder(self) -> Path:
        return baseline_dir(self.name)

    @property
    def workdir(self) -> Path:
        return self.folder / "work"

    @property
    def label(self) -> str:
        version = self.versions.get(self.distribution, "?")
        return f"baseline:{self.name} ({self.distribution} {version})"

    def save(self) -> Path:
        path = self.folder / RECORD
        path.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")
        return path


def load(name: str) -> Baseline:
    path = baseline_dir(name) / RECORD
    if not path.is_file():
        raise BaselineNotInstalled(
            f"no baseline {name!r} in {cache_root()}; install it first, e.g. "
            f"zen-harness baseline install {name} pal-mcp-server==11.8.2"
        )
    try:
        return Baseline(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise BaselineError(f"{path} is not a baseline record ({exc}); install {name!r} again") from exc


def installed() -> list[Baseline]:
    root = cache_root()
    if not root.is_dir():
        return []
    return [load(path.parent.name) for path in sorted(root.glob(f"*/{RECORD}"))]
