"""A file of text lines that rotates by size: ``audit.log`` -> ``audit.log.1`` -> ... .

Owns :class:`RotatingLineWriter`, used only from the audit log's writer thread. It writes
whole batches and rotates between batches, so a line is never split across two files.
Naming follows ``logging.handlers.RotatingFileHandler`` so the usual tools read it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO


def _private(path: str, flags: int) -> int:
    # Audit lines name sessions and tools; other local users have no business reading them.
    return os.open(path, flags, 0o600)


class RotatingLineWriter:
    """Appends lines to ``path``; past ``max_bytes`` the file moves to ``path.1``.

    Keeps ``backups`` old files (``path.1`` newest); with ``backups=0`` the file is
    truncated instead. Not thread-safe: one writer thread owns it.
    """

    def __init__(self, path: Path, *, max_bytes: int, backups: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.backups = backups
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self._open()
        self._size = self._file.tell()

    def _open(self, *, truncate: bool = False) -> TextIO:
        if truncate:
            return open(self.path, "w", encoding="utf-8", opener=_private)
        return open(self.path, "a", encoding="utf-8", opener=_private)

    def write_lines(self, lines: list[str]) -> None:
        """Write ``lines`` (each without its newline) and flush; rotate first if they would not fit."""
        if not lines:
            return
        data = "".join(line + "\n" for line in lines)
        size = len(data.encode("utf-8"))
        if self._size > 0 and self._size + size > self.max_bytes:
            self._rotate()
        self._file.write(data)
        self._file.flush()
        self._size += size

    def _rotate(self) -> None:
        self._file.close()
        if self.backups > 0:
            for index in range(self.backups - 1, 0, -1):
                older = self.path.with_name(f"{self.path.name}.{index}")
                if older.exists():
                    older.replace(self.path.with_name(f"{self.path.name}.{index + 1}"))
            self.path.replace(self.path.with_name(f"{self.path.name}.1"))
            self._file = self._open()
        else:
            self._file = self._open(truncate=True)
        self._size = 0

    def close(self) -> None:
        self._file.close()
