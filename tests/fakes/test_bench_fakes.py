"""A tiny run of benchmarks/bench_fakes.py: it measures and reports sane figures."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_fakes.py"


@pytest.mark.slow
def test_tiny_benchmark_reports_throughput_and_added_latency() -> None:
    spec = importlib.util.spec_from_file_location("bench_fakes", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    result = module.run_benchmark(seconds=0.5, concurrency=4, latency_samples=20, subprocess=False)
    assert result.errors == 0 and result.requests > 0
    assert result.requests_per_s > 0 and 0 < result.added_p50_ms <= result.added_p99_ms
