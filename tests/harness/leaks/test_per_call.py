"""Heap retained per call after warm-up, the bounded caches' bytes subtracted: a kilobyte a
call is visible where RSS growth under a 100 MB bound is not."""

from __future__ import annotations

from harness.leaks.caches import MB, per_call, tool_calls
from harness.leaks.runner import LeakReport

GROWTH = {"rss_growth_mb": 30.0, "heap_growth_mb": 6.0, "caches_growth_mb": 1.0}


def test_tool_calls_sums_every_tool_and_outcome_counter_only() -> None:
    text = (
        "# TYPE zen_tool_calls_total counter\n"
        'zen_tool_calls_total{tool="chat",outcome="success"} 40.0\n'
        'zen_tool_calls_total{tool="version",outcome="error"} 2.0\n'
        'zen_tool_calls_created{tool="chat",outcome="success"} 1.7e9\n'
        "zen_store_bytes 123.0\n"
    )
    assert tool_calls(text) == 42.0
    assert tool_calls("zen_store_bytes 1.0\n") is None


def test_retained_bytes_per_call_take_the_caches_growth_out_of_the_heap_growth() -> None:
    figures = per_call(GROWTH, 1000.0, 6000.0)
    assert figures["calls_in_window"] == 5000.0
    assert figures["retained_bytes_per_call"] == 5.0 * MB / 5000.0  # ~1049 B: a leak of 1 KB a call


def test_no_calls_or_no_caches_means_not_measured() -> None:
    assert per_call(GROWTH, None, 10.0) == {}
    assert per_call(GROWTH, 10.0, 10.0) == {}
    assert per_call({"heap_growth_mb": 1.0}, 1.0, 10.0) == {}


def test_a_report_with_a_per_call_bound_fails_above_it_or_without_a_figure() -> None:
    def report(growth: dict[str, float], bound: float | None) -> LeakReport:
        made = LeakReport("p", 100.0, {**GROWTH, **growth}, {}, {})
        made.max_bytes_per_call = bound
        return made

    assert report({"retained_bytes_per_call": 100.0}, 512).passed
    assert not report({"retained_bytes_per_call": 1049.0}, 512).passed
    assert not report({}, 512).passed
    assert report({}, None).passed
    assert not report({"rss_growth_mb": 150.0}, None).passed
