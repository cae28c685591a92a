"""The repeated profile's inputs (stable source files) and the cache figures read from /metrics."""

from __future__ import annotations

import time
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest

from harness.load.cache_figures import parse_cache_figures, write_sources
from harness.load.profile import load_profile
from zen_server.cache.caller import CachingModelCaller
from zen_server.cache.response_cache import ResponseCache
from zen_server.observability.cache_metrics import WatchedCache, watch_caches
from zen_server.providers.types import ChatMessage, ModelRequest, ModelResponse, ResolvedCall


class Answers:
    async def generate(self, request: ModelRequest) -> ModelResponse:
        return ModelResponse("ok", "p", request.model, finish_reason="stop")


def test_sources_are_written_long_ago_so_the_file_cache_may_keep_them(tmp_path: Path) -> None:
    paths = write_sources(tmp_path / "sources", 3)
    assert [p.name for p in paths] == ["module_0.py", "module_1.py", "module_2.py"]
    assert all(p.stat().st_mtime < time.time() - 86_400 for p in paths)
    assert write_sources(tmp_path / "none", 0) == []


async def test_figures_per_cache_and_per_tool_come_from_the_exposition() -> None:
    cache = ResponseCache(1_000_000, 60.0)
    caller = CachingModelCaller(Answers(), lambda r: ResolvedCall("p", r.model, r.model), cache=cache)
    asked = [("chat", "same")] * 3 + [("debug", "a"), ("debug", "b")]
    for tool, prompt in asked:
        await caller.generate(ModelRequest("m", (ChatMessage("user", prompt),), tool_name=tool))
    registry = CollectorRegistry()
    watched = WatchedCache(cache.memory.stats, lambda: cache.memory.bytes, by_tool=lambda: caller.by_tool)
    watch_caches(registry, {"response_memory": watched})
    figures = parse_cache_figures(generate_latest(registry).decode())
    row = figures["response_memory"]
    assert (row["hits"], row["misses"], row["hit_rate"]) == (2, 3, 0.4)
    assert row["by_tool"]["chat"] == {"hit": 2, "miss": 1, "hit_rate": round(2 / 3, 4)}
    assert row["by_tool"]["debug"] == {"hit": 0, "miss": 2, "hit_rate": 0.0}


def test_the_repeated_profile_reads_its_own_sources_with_the_response_cache_on() -> None:
    profile = load_profile("repeated")
    assert profile.source_files == 6 and profile.server_env["ZEN_RESPONSE_CACHE"] == "memory"
    assert {tool.tool for tool in profile.mix.tools} == {"debug", "chat", "consensus"}
