"""LiveState: the dashboard's window figures, percentiles and breach flags."""

from __future__ import annotations

from typing import Any

import pytest

from zen_server.observability.events import (
    BreakerTransition,
    RequestRejected,
    ThreadsEvicted,
    ToolCallFinished,
    ToolCallStarted,
)
from zen_server.observability.live_state import LiveState, breaches, percentile


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def stuck_of(snapshot: dict[str, object]) -> dict[str, Any]:
    """The snapshot's ``stuck`` section, typed for indexing."""
    section = snapshot["stuck"]
    assert isinstance(section, dict)
    return section


def finished(duration: float, outcome: str = "success", tool: str = "chat") -> ToolCallFinished:
    return ToolCallFinished("r", None, tool, outcome, duration)  # type: ignore[arg-type]


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
    assert percentile([], 50) is None


def test_snapshot_computes_latency_error_rate_and_per_tool_rows() -> None:
    clock = FakeClock()
    state = LiveState(window_s=60, clock=clock)
    for i in range(98):
        state.emit(finished(0.1 + i * 0.001))
    state.emit(finished(3.0, "error"))
    state.emit(finished(4.0, "deadline", tool="thinkdeep"))
    snap = state.snapshot()
    assert snap["calls"] == 100
    assert snap["errors"] == 2
    assert snap["error_rate"] == pytest.approx(0.02)
    latency = snap["latency_s"]
    assert isinstance(latency, dict)
    assert latency["p50"] == pytest.approx(0.149)
    assert latency["p99"] == 3.0
    assert snap["by_tool"] == [
        {"tool": "chat", "calls": 99, "errors": 1, "p95_s": pytest.approx(0.194)},
        {"tool": "thinkdeep", "calls": 1, "errors": 1, "p95_s": 4.0},
    ]
    assert snap["breaches"] == ["error rate 2.0% is over the 1% target"]


def test_calls_older_than_the_window_drop_out() -> None:
    clock = FakeClock()
    state = LiveState(window_s=10, clock=clock)
    state.emit(finished(5.0, "error"))
    clock.now += 11
    state.emit(finished(0.2))
    snap = state.snapshot()
    assert snap["calls"] == 1
    assert snap["errors"] == 0
    assert snap["breaches"] == []
    assert snap["totals"] == {"calls": 2, "errors": 1, "rejected": 0}


def test_breaches_flag_p95_over_two_seconds_and_error_rate_over_one_percent() -> None:
    assert breaches(2.5, 0.0, 10) == ["p95 latency 2.50 s is over the 2 s target"]
    assert breaches(2.0, 0.01, 100) == []  # the targets themselves are not breaches
    assert len(breaches(2.01, 0.011, 100)) == 2
    assert breaches(None, 0.0, 0) == []


def test_breakers_follow_transitions_and_gauges_and_events_are_listed_newest_first() -> None:
    state = LiveState(clock=FakeClock(), wall_clock=lambda: 5.0)
    state.emit(BreakerTransition("openai", "closed", "open", "5 of 6 failed"))
    state.set_gauge("breaker_state", 0, key="gemini")
    state.emit(RequestRejected("queue_full", tool="chat"))
    state.emit(ThreadsEvicted("bytes", 3))
    snap = state.snapshot()
    assert snap["breakers"] == [
        {"key": "gemini", "state": "closed", "since": 5.0},
        {"key": "openai", "state": "open", "since": 5.0},
    ]
    texts = [e["text"] for e in snap["recent_events"]]  # type: ignore[attr-defined]
    assert texts[0] == "evicted 3 thread(s): bytes"
    assert texts[-1].startswith("breaker openai: closed -> open")


def test_unlabelled_gauges_are_reported() -> None:
    state = LiveState()
    state.set_gauge("in_flight", 7)
    state.set_gauge("store_bytes", 1024)
    snap = state.snapshot()
    assert snap["in_flight"] == 7
    assert snap["store_bytes"] == 1024
    assert snap["rss_bytes"] is None


def test_window_is_bounded_in_count_under_a_flood() -> None:
    state = LiveState(max_calls=50, clock=FakeClock())
    for _ in range(500):
        state.emit(finished(0.1))
    assert state.snapshot()["calls"] == 50


def test_repeated_events_are_counted_not_listed_again() -> None:
    state = LiveState(max_events=3)
    state.emit(BreakerTransition("openai", "closed", "open", "outage"))
    for _ in range(50):
        state.emit(RequestRejected("queue_full", tool="chat"))
    events = state.snapshot()["recent_events"]
    assert isinstance(events, list)
    assert [(e["kind"], e["count"]) for e in events] == [("rejection", 50), ("breaker", 1)]


def test_a_hang_shows_as_stuck_calls_though_no_call_finishes() -> None:
    clock = FakeClock()
    state = LiveState(window_s=60, clock=clock)
    for _ in range(20):  # the steady state: calls answered in 0.3 s
        state.emit(finished(0.3))
    for i in range(3):
        state.emit(ToolCallStarted(f"hung-{i}", None, "chat"))
    state.emit(ToolCallStarted("quick", None, "thinkdeep"))
    state.emit(ToolCallFinished("quick", None, "thinkdeep", "success", 0.2))
    clock.now += 1.5
    calm = state.snapshot()
    assert stuck_of(calm)["calls"] == 0 and calm["warnings"] == []  # not yet past the 2 s floor
    clock.now += 1.0
    hung = state.snapshot()
    assert hung["breaches"] == []  # the finished calls still look fine: this is what a hang hides
    assert hung["stuck"] == {"calls": 3, "after_s": 2.0, "oldest_s": 2.5, "oldest_tool": "chat"}
    assert hung["warnings"] == [
        "3 call(s) in flight for over 2 s without an answer (oldest: chat, 2 s): a provider may be hanging"
    ]
    for i in range(3):
        state.emit(ToolCallFinished(f"hung-{i}", None, "chat", "deadline", 2.5))
    assert stuck_of(state.snapshot())["calls"] == 0


def test_expected_time_follows_the_window_p95_above_the_target() -> None:
    clock = FakeClock()
    state = LiveState(window_s=60, clock=clock)
    for _ in range(20):
        state.emit(finished(5.0))  # a slow tool: 5 s is its normal
    state.emit(ToolCallStarted("slow-but-normal", None, "thinkdeep"))
    clock.now += 8.0
    assert stuck_of(state.snapshot())["calls"] == 0  # under 2 x p95 = 10 s
    clock.now += 3.0
    assert stuck_of(state.snapshot())["after_s"] == 10.0
    assert stuck_of(state.snapshot())["calls"] == 1
