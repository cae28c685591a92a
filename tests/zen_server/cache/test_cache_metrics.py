"""Every cache of a built server shows in /metrics with its hits, misses, joins and bytes."""

from __future__ import annotations

import os
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from zen_server.config import Settings
from zen_server.server import build_app


def samples(exposition: bytes) -> dict[tuple[str, str], float]:
    found: dict[tuple[str, str], float] = {}
    for family in text_string_to_metric_families(exposition.decode()):
        for sample in family.samples:
            if sample.name.startswith("zen_cache_"):
                found[(sample.name, sample.labels.get("cache", ""))] = sample.value
    return found


async def test_a_built_server_exports_each_cache_it_runs(tmp_path: Path) -> None:
    app = build_app(Settings(zen_response_cache="memory"))
    try:
        source = tmp_path / "a.py"
        source.write_text("x = 1\n")
        os.utime(source, ns=(1_600_000_000 * 10**9,) * 2)
        for _ in range(3):
            await app.files.read_text(str(source))
        body, _ = app.hub.exposition()
        found = samples(body)
        assert found[("zen_cache_hits_total", "file_content")] == 2
        assert found[("zen_cache_misses_total", "file_content")] == 1
        assert found[("zen_cache_bytes", "file_content")] > 0
        assert ("zen_cache_single_flight_joins_total", "provider_single_flight") in found
        assert ("zen_cache_hits_total", "response_memory") in found
        assert not any(cache == "response_redis" for _, cache in found)  # not configured, not shown
        rows = {row["cache"]: row for row in app.hub.snapshot()["caches"]}  # type: ignore[attr-defined]
        assert rows["file_content"]["hits"] == 2 and rows["file_content"]["hit_rate"] == 2 / 3
        assert set(rows) == {"file_content", "provider_single_flight", "response_memory"}
    finally:
        await app.aclose()


async def test_the_response_cache_is_absent_when_off() -> None:
    app = build_app(Settings())
    try:
        assert app.models.cache is None
        found = samples(app.hub.exposition()[0])
        assert not any(cache.startswith("response") for _, cache in found)
    finally:
        await app.aclose()
