"""Each hypothesis judged on hand-made run data: it passes when it should and fails when it should."""

from __future__ import annotations

from harness.chaos.hypotheses.availability import Availability
from harness.chaos.hypotheses.breaker import BreakerOpens
from harness.chaos.hypotheses.error_rate import ErrorRate
from harness.chaos.hypotheses.integrity import ConversationIntegrity
from harness.chaos.hypotheses.latency import Latency
from harness.chaos.hypotheses.memory import MemoryGrowth
from harness.chaos.hypotheses.provider_load import ProviderLoad, peak_rate
from harness.chaos.hypotheses.recovery import Recovery
from harness.chaos.records import CallRecord, FaultWindow, ProviderRequest, RunData, Sample, ThreadTurn

PHASES = {"before": (0.0, 2.0), "during": (2.0, 6.0), "after": (6.0, 10.0)}


def call(start: float, latency: float, kind: str = "ok") -> CallRecord:
    return CallRecord(worker=0, tool="chat", kind=kind, start=start, latency_s=latency)


def run_with(calls: list[CallRecord], **extra: object) -> RunData:
    data = RunData(phases=dict(PHASES), calls=calls, end=10.0)
    for key, value in extra.items():
        setattr(data, key, value)
    return data


def test_latency_percentile_fails_above_the_bound_and_passes_below() -> None:
    data = run_with([call(2.5, 0.1)] * 19 + [call(3.0, 3.0)])
    assert not Latency(type="latency", percentile=100, max_ms=1000).evaluate(data).passed
    verdict = Latency(type="latency", percentile=95, max_ms=1000).evaluate(data)
    assert verdict.passed and verdict.figures["value_ms"] == 100.0


def test_latency_can_judge_only_failed_calls() -> None:
    data = run_with([call(2.5, 5.0), call(2.6, 0.05, "tool_error")])
    assert Latency(type="latency", outcome="failed", max_ms=100).evaluate(data).passed
    assert not Latency(type="latency", outcome="ok", max_ms=100).evaluate(data).passed


def test_no_data_is_red() -> None:
    verdict = ErrorRate(type="error_rate", max=1.0).evaluate(run_with([]))
    assert not verdict.passed and verdict.observed == "no data"


def test_a_call_still_running_when_the_fault_starts_counts_for_during() -> None:
    data = run_with([call(1.5, 1.0, "timeout"), call(0.5, 0.2)])
    assert ErrorRate(type="error_rate", phase="before", max=0.0).evaluate(data).passed
    assert not ErrorRate(type="error_rate", phase="during", max=0.0).evaluate(data).passed


def test_error_rate_counts_only_the_listed_kinds() -> None:
    data = run_with([call(3, 0.1, "tool_error"), call(3, 0.1, "ok")])
    assert not ErrorRate(type="error_rate", max=0.4).evaluate(data).passed
    assert ErrorRate(type="error_rate", max=0.0, kinds=["timeout"]).evaluate(data).passed


def test_availability_is_the_share_of_seconds_with_a_success() -> None:
    data = run_with([call(2.1, 0.1), call(3.1, 0.1)])  # 2 of the 4 seconds of 'during'
    verdict = Availability(type="availability", min=0.5).evaluate(data)
    assert verdict.passed and verdict.figures["availability"] == 0.5
    assert not Availability(type="availability", min=0.6).evaluate(data).passed


def test_breaker_opens_needs_later_calls_to_be_fast() -> None:
    slow_then_fast = [call(2 + i * 0.1, 2.0 if i < 5 else 0.01, "timeout") for i in range(20)]
    windows = [FaultWindow("k", "fault", 2.0, 6.0)]
    opens = BreakerOpens(type="breaker_opens", within_calls=5, fast_ms=100)
    verdict = opens.evaluate(run_with(slow_then_fast, windows=windows))
    assert verdict.passed and verdict.figures["fast_from_call"] == 5
    always_slow = [call(2 + i * 0.1, 2.0, "timeout") for i in range(20)]
    assert not opens.evaluate(run_with(always_slow, windows=windows)).passed


def test_recovery_measures_time_to_first_success_after_the_fault_clears() -> None:
    windows = [FaultWindow("k", "fault", 2.0, 6.0)]
    data = run_with([call(6.1, 0.1, "tool_error"), call(6.5, 1.0), call(8.0, 0.1)], windows=windows)
    verdict = Recovery(type="recovery", within_s=2).evaluate(data)
    assert verdict.passed and verdict.figures["recovery_s"] == 1.5
    assert not Recovery(type="recovery", within_s=1).evaluate(data).passed
    never = run_with([call(6.1, 0.1, "tool_error")], windows=windows)
    assert not Recovery(type="recovery", within_s=5).evaluate(never).passed


def integrity_data(body: str, turns: list[ThreadTurn]) -> RunData:
    return run_with(
        [],
        threads={"t": turns},
        provider_requests=[ProviderRequest("openai", body)],
        provider_bodies_recorded=True,
    )


def test_integrity_finds_lost_and_duplicated_turns() -> None:
    turns = [ThreadTurn("M1", True), ThreadTurn("M2", True), ThreadTurn("M3", True)]
    check = ConversationIntegrity(type="conversation_integrity")
    assert check.evaluate(integrity_data("M1 M2 M3", turns)).passed
    lost = check.evaluate(integrity_data("M1 M3", turns))
    assert not lost.passed and lost.figures["lost"] == 1
    duplicated = check.evaluate(integrity_data("M1 M1 M2 M3", turns))
    assert not duplicated.passed and duplicated.figures["lost"] == 0
    duplicates = duplicated.figures["duplicated"]
    assert isinstance(duplicates, int | float) and duplicates > 0


def test_integrity_with_truncation_allows_only_the_oldest_turns_to_go() -> None:
    turns = [ThreadTurn("M1", True), ThreadTurn("M2", True), ThreadTurn("M3", True)]
    check = ConversationIntegrity(type="conversation_integrity", allow_truncation=True)
    assert check.evaluate(integrity_data("M2 M3", turns)).passed
    assert not check.evaluate(integrity_data("M1 M3", turns)).passed


def test_integrity_without_provider_bodies_is_red() -> None:
    assert not ConversationIntegrity(type="conversation_integrity").evaluate(run_with([])).passed


def test_memory_growth_is_peak_minus_first_sample() -> None:
    samples = [Sample(0, 100.0), Sample(5, 180.0), Sample(9, 120.0)]
    verdict = MemoryGrowth(type="memory_growth", max_mb=50).evaluate(run_with([], rss_mb=samples))
    assert not verdict.passed and verdict.figures["growth_mb"] == 80.0


def test_provider_load_bounds_peak_in_flight_and_request_rate() -> None:
    totals = [Sample(2 + i * 0.5, float(i * 10)) for i in range(8)]  # 20 requests/s
    flight = [Sample(2.0, 1.0), Sample(3.0, 5.0)]
    data = run_with([], provider_total={"openai": totals}, provider_in_flight={"openai": flight})
    assert peak_rate(totals, 1.0) == 20.0
    assert (
        ProviderLoad(type="provider_load", provider="openai", max_requests_per_s=25, max_in_flight=5)
        .evaluate(data)
        .passed
    )
    assert not ProviderLoad(type="provider_load", provider="openai", max_in_flight=4).evaluate(data).passed
