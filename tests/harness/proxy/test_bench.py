"""The proxy benchmark runs end to end in a tiny configuration and reports sane figures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[3] / "benchmarks" / "bench_proxy.py"


def test_tiny_benchmark_reports_throughput_and_latency_per_hop(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("bench_proxy", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_proxy", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    result = module.run_benchmark(megabytes=2, round_trips=30, mode="thread")
    assert result.throughput_mb_s > 0
    assert 0 < result.rtt_direct_us < result.rtt_two_hops_us
    assert "added latency per hop" in result.report()
