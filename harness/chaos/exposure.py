"""What the target exposed during a run, gathered for the secrets verdict: its log, its audit
file, its ops routes (scraped while it still runs) and the replies the load received.

Each source is kept as text under a name (``log``, ``audit``, ``ops:/metrics``, ``replies``);
a source that does not exist is absent, so a verdict that needs it can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import httpx

from harness.launcher import fill
from harness.mcp_client import Endpoint, HttpEndpoint

OPS_ROUTES = ("/metrics", "/health", "/ready", "/dashboard/data")
AUDIT_VARIABLE = "ZEN_AUDIT_LOG"
MAX_SOURCE_CHARS = 20_000_000  # a source this large is cut: a run's log stays far below it


async def scrape_ops(endpoint: Endpoint) -> dict[str, str]:
    """The ops routes' bodies (HTTP targets only; a route that does not answer is left out)."""
    if not isinstance(endpoint, HttpEndpoint):
        return {}
    base = endpoint.url.rsplit("/mcp", 1)[0]
    found: dict[str, str] = {}
    async with httpx.AsyncClient(timeout=5.0) as client:
        for route in OPS_ROUTES:
            try:
                response = await client.get(f"{base}{route}")
            except httpx.HTTPError:
                continue
            found[f"ops:{route}"] = response.text[:MAX_SOURCE_CHARS]
    return found


def read_files(log: Path | None, env: Mapping[str, str], placeholders: Mapping[str, str]) -> dict[str, str]:
    """The target's log, and its audit file when the scenario gave it one (``ZEN_AUDIT_LOG``)."""
    found: dict[str, str] = {}
    if log is not None and log.is_file():
        found["log"] = log.read_text(encoding="utf-8", errors="replace")[:MAX_SOURCE_CHARS]
    audit = env.get(AUDIT_VARIABLE)
    if audit:
        path = Path(fill(audit, placeholders))
        texts = [
            p.read_text(encoding="utf-8", errors="replace") for p in sorted(path.parent.glob(path.name + "*"))
        ]
        if texts:
            found["audit"] = "\n".join(texts)[:MAX_SOURCE_CHARS]
    return found
