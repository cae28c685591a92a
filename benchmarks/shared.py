"""Pieces more than one benchmark script uses, kept in one place.

The scripts run as ``python benchmarks/<name>.py`` with the repository root on ``sys.path``,
so they import this module as ``benchmarks.shared``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zen_server.config import Settings
from zen_server.server import ZenApp, build_app


@asynccontextmanager
async def app_for(**values: Any) -> AsyncIterator[ZenApp]:
    """The server composed as the CLI composes it from these settings, quiet unless told."""
    values.setdefault("log_level", "CRITICAL")
    app = build_app(Settings(**values))
    await app.start()
    try:
        yield app
    finally:
        await app.aclose()


def write_json(path: Path, result: Any) -> None:
    """A run's figures as JSON at ``path`` (its folder made when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


@dataclass
class Row:
    """One line of a benchmark's table: what was checked, its target, the figure measured."""

    check: str
    target: str
    measured: str
    ok: bool | None  # None: information only

    @property
    def verdict(self) -> str:
        return "info" if self.ok is None else ("PASS" if self.ok else "FAIL")


class Rows(list[Row]):
    """A benchmark's rows in the order measured; each one noted on stderr as it lands."""

    def add(self, check: str, target: str, measured: str, ok: bool | None) -> None:
        self.append(Row(check, target, measured, ok))
        print(f"  {'.' if ok is not False else 'x'} {check}: {measured}", file=sys.stderr, flush=True)
