"""Where and when a report was made: date, commit, machine. Read-only: git is only queried.

Every run stamps its results (gates' ``results.json``, chaos's ``summary.json``) so a
reference report always says which commit and machine produced its figures.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil


def _git(repo: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def stamp(repo: Path) -> dict[str, Any]:
    """Date (UTC), commit (and whether the tree had changes), cores, memory, OS, Python."""
    status = _git(repo, "status", "--porcelain", "--untracked-files=no")
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": _git(repo, "rev-parse", "HEAD") or "unknown",
        "dirty": bool(status) if status is not None else None,
        "machine": {
            "cores": os.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
            "os": f"{platform.system()} {platform.release()}",
            "python": sys.version.split()[0],
        },
        "ci": os.environ.get("CI", "").lower() in {"1", "true", "yes"},
    }


def stamp_lines(made: dict[str, Any]) -> list[str]:
    """The stamp as Markdown list lines (date, commit, machine) for a report's header."""
    machine = made["machine"]
    dirty = " (with uncommitted changes)" if made.get("dirty") else ""
    return [
        f"- date: {made['date']}",
        f"- commit: `{made['commit']}`{dirty}",
        f"- machine: {machine['cores']} cores, {machine['memory_gb']} GB, {machine['os']}, "
        f"Python {machine['python']}",
    ]
