"""The ``repeated`` profile's inputs and figures: stable source files, and cache hit rates.

* :func:`write_sources`: the files a profile's tools read, written once before the run
  with an mtime long past (a repository's files are not being edited while it is read,
  and a file written seconds ago is never cached: README "Caching");
* :func:`scrape_cache_figures`: after the run, the server's ``zen_cache_*`` series from
  ``/metrics``, as hits, misses and hit rate per cache (``cache.json`` in the run folder).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

LONG_AGO_NS = 1_600_000_000 * 1_000_000_000


def write_sources(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"module_{n}.py"
        lines = [f"def step_{n}_{i}(value: int) -> int:\n    return value * {i} + {n}\n" for i in range(60)]
        path.write_text("".join(lines), encoding="utf-8")
        os.utime(path, ns=(LONG_AGO_NS, LONG_AGO_NS))
        paths.append(path)
    return paths


def parse_cache_figures(exposition: str) -> dict[str, dict[str, Any]]:
    figures: dict[str, dict[str, Any]] = {}
    wanted = {"zen_cache_hits_total": "hits", "zen_cache_misses_total": "misses"}
    wanted |= {"zen_cache_single_flight_joins_total": "joins", "zen_cache_evictions_total": "evictions"}
    wanted |= {"zen_cache_bytes": "bytes"}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            cache = sample.labels.get("cache")
            if sample.name == "zen_cache_tool_lookups_total" and cache:
                tools = figures.setdefault(cache, {}).setdefault("by_tool", {})
                tools.setdefault(sample.labels["tool"], {})[sample.labels["outcome"]] = int(sample.value)
                continue
            field = wanted.get(sample.name)
            if field is not None and cache:
                figures.setdefault(cache, {})[field] = int(sample.value)
    for row in figures.values():
        row["hit_rate"] = _rate(row.get("hits", 0), row.get("misses", 0))
        for counts in row.get("by_tool", {}).values():
            counts["hit_rate"] = _rate(counts.get("hit", 0), counts.get("miss", 0))
    return figures


def _rate(hits: int, misses: int) -> float | None:
    return round(hits / (hits + misses), 4) if hits + misses else None


def scrape_cache_figures(base_url: str, *, timeout_s: float = 5.0) -> dict[str, dict[str, Any]]:
    """Per-cache figures from ``base_url/metrics``; empty when the server exports none."""
    response = httpx.get(f"{base_url}/metrics", timeout=timeout_s)
    response.raise_for_status()
    return parse_cache_figures(response.text)


__all__ = ["parse_cache_figures", "scrape_cache_figures", "write_sources"]
