"""Expanding a directory the client named into the text files beneath it, each one checked.

Hidden entries and build or dependency folders are skipped, the walk is bounded in files
and in entries looked at, and symlinked directories are never descended. Every file found
goes through the same rule as a path the client sent itself (resolved, inside the roots,
not a system location, not a secret) and must be a regular file: a symlink out of a root,
a FIFO or a socket in the tree is withheld, never read. Blocking; runs on the I/O pool.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from zen_server.files.policy import PathPolicy

MAX_EXPANDED_FILES = 500
# Directory entries looked at before giving up on a huge tree.
MAX_WALKED_ENTRIES = 20_000
EXCLUDED_DIRS = frozenset(
    {"__pycache__", "node_modules", "venv", "env", "dist", "build", "target", "site-packages", "vendor"}
)
_BINARY_SUFFIXES = (
    ".png .jpg .jpeg .gif .bmp .ico .webp .tiff .pdf .zip .gz .tgz .bz2 .xz .7z .rar .tar .jar .war "
    ".class .so .dll .dylib .exe .bin .o .a .pyc .pyo .whl .db .sqlite .sqlite3 .mp3 .mp4 .wav .mov "
    ".avi .ttf .otf .woff .woff2 .eot .psd .parquet .pkl .npy .npz .onnx .pt"
)
BINARY_EXTENSIONS = frozenset(_BINARY_SUFFIXES.split())


@dataclass(slots=True)
class WalkResult:
    """Files to read (as found under the directory) and entries withheld by the rule."""

    files: list[Path] = field(default_factory=list)
    withheld: list[Path] = field(default_factory=list)


def too_broad(directory: Path) -> bool:
    """The filesystem root or the home directory itself: no project is that big."""
    return directory == Path(directory.anchor) or directory == Path(os.path.realpath(Path.home()))


def _readable(entry: Path, policy: PathPolicy) -> bool:
    resolved = Path(os.path.realpath(entry))
    if policy.refusal(entry, resolved) is not None:
        return False
    try:
        return stat.S_ISREG(os.stat(resolved).st_mode)
    except OSError:
        return False


def walk_text_files(directory: Path, policy: PathPolicy, limit: int = MAX_EXPANDED_FILES) -> WalkResult:
    """Text-looking files under ``directory`` (already checked), in sorted order, up to ``limit``."""
    result = WalkResult()
    walked = 0
    for root, dirs, names in os.walk(directory):
        # Pruning in place stops os.walk from descending; it never follows symlinked dirs.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in EXCLUDED_DIRS)
        for name in sorted(names):
            walked += 1
            if walked > MAX_WALKED_ENTRIES:
                return result
            if name.startswith(".") or Path(name).suffix.lower() in BINARY_EXTENSIONS:
                continue
            entry = Path(root) / name
            (result.files if _readable(entry, policy) else result.withheld).append(entry)
            if len(result.files) >= limit:
                return result
    return result


__all__ = [
    "BINARY_EXTENSIONS",
    "EXCLUDED_DIRS",
    "MAX_EXPANDED_FILES",
    "MAX_WALKED_ENTRIES",
    "WalkResult",
    "too_broad",
    "walk_text_files",
]
