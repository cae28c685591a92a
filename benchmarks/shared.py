"""Pieces more than one benchmark script uses, kept in one place.

The scripts run as ``python benchmarks/<name>.py`` with the repository root on ``sys.path``,
so they import this module as ``benchmarks.shared``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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
