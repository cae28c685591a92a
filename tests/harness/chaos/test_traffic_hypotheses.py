"""traffic_share / traffic_moves read each fake's own counter; latency relative to a phase."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from harness.chaos.hypotheses.error_rate import ErrorRate
from harness.chaos.hypotheses.latency import Latency
from harness.chaos.hypotheses.traffic import TrafficMoves, TrafficShare
from harness.chaos.records import CallRecord, RunData, Sample

PHASES = {"before": (0.0, 2.0), "during": (2.0, 6.0), "after": (6.0, 10.0)}
AMONG = ["eu-1", "eu-2", "us-1"]


def counters(rates: dict[str, list[tuple[float, float]]]) -> dict[str, list[Sample]]:
    """Cumulative counters sampled every 0.25 s from (until_t, requests_per_s) segments."""
    out: dict[str, list[Sample]] = {}
    for name, segments in rates.items():
        samples, total, t = [], 0.0, 0.0
        while t <= 10.0:
            rate = next(r for until, r in segments if t < until or until == segments[-1][0])
            samples.append(Sample(t, total))
            total += rate * 0.25
            t += 0.25
        out[name] = samples
    return out


def data(rates: dict[str, list[tuple[float, float]]], calls: list[CallRecord] | None = None) -> RunData:
    return RunData(phases=dict(PHASES), calls=calls or [], end=10.0, provider_total=counters(rates))


# eu down from 2 s to 6 s: us takes over at 3 s (a second late); eu back at 8 s.
OUTAGE = {
    "eu-1": [(2.0, 10.0), (8.0, 0.0), (10.0, 10.0)],
    "eu-2": [(2.0, 10.0), (8.0, 0.0), (10.0, 10.0)],
    "us-1": [(3.0, 0.0), (8.0, 20.0), (10.0, 0.0)],
}


def test_traffic_share_is_measured_from_the_fakes_counters() -> None:
    run = data(OUTAGE)
    during = TrafficShare(
        type="traffic_share", provider="us-1", among=AMONG, phase="during", settle_s=1, min_share=0.99
    )
    verdict = during.evaluate(run)
    assert verdict.passed and verdict.figures["share"] == 1.0
    before = TrafficShare(type="traffic_share", provider="us-1", among=AMONG, phase="before", max_share=0.02)
    assert before.evaluate(run).passed
    too_strict = TrafficShare(
        type="traffic_share", provider=["eu-1", "eu-2"], among=AMONG, phase="during", min_share=0.5
    )
    assert not too_strict.evaluate(run).passed  # eu carried nothing during the outage


def test_traffic_moves_reports_how_long_until_the_share_arrives() -> None:
    run = data(OUTAGE)
    failover = TrafficMoves(
        type="traffic_moves", provider="us-1", among=AMONG, phase="during", min_share=0.9, within_s=2
    )
    verdict = failover.evaluate(run)
    assert verdict.passed and verdict.figures["seconds"] == pytest.approx(1.25, abs=0.3)
    back = TrafficMoves(
        type="traffic_moves", provider=["eu-1", "eu-2"], among=AMONG, phase="after", min_share=0.9, within_s=1
    )
    late = back.evaluate(run)
    assert not late.passed and late.figures["seconds"] == pytest.approx(3.0, abs=0.3)


def test_traffic_that_never_moves_is_red() -> None:
    stuck = {name: [(10.0, 10.0 if name != "us-1" else 0.0)] for name in AMONG}
    verdict = TrafficMoves(
        type="traffic_moves", provider="us-1", among=AMONG, phase="during", min_share=0.5, within_s=2
    ).evaluate(data(stuck))
    assert not verdict.passed and "never" in verdict.observed


def test_no_requests_at_all_is_no_data_and_red() -> None:
    idle = {name: [(10.0, 0.0)] for name in AMONG}
    assert (
        not TrafficShare(type="traffic_share", provider="us-1", among=AMONG, max_share=0.5)
        .evaluate(data(idle))
        .passed
    )


def test_a_provider_outside_among_is_refused() -> None:
    with pytest.raises(ValidationError, match="must be among"):
        TrafficShare(type="traffic_share", provider="ap-1", among=AMONG, max_share=0.1)


def call(start: float, latency: float, kind: str = "ok") -> CallRecord:
    return CallRecord(worker=0, tool="chat", kind=kind, start=start, latency_s=latency)


def test_latency_can_be_bounded_relative_to_another_phase() -> None:
    calls = [call(0.5, 0.4)] * 10 + [call(3.0, 0.5)] * 10
    relative = Latency(type="latency", phase="during", percentile=95, max_ratio=1.5, ratio_to="before")
    verdict = relative.evaluate(RunData(phases=dict(PHASES), calls=calls, end=10.0))
    assert verdict.passed and verdict.figures["reference_ms"] == 400.0
    slow = [call(0.5, 0.2)] * 10 + [call(3.0, 0.5)] * 10
    assert not relative.evaluate(RunData(phases=dict(PHASES), calls=slow, end=10.0)).passed
    with pytest.raises(ValidationError):
        Latency(type="latency", max_ms=100, max_ratio=2)


def test_error_rate_can_skip_the_first_seconds_of_a_phase() -> None:
    calls = [call(2.2, 0.1, "transport_error"), call(3.5, 0.1), call(4.0, 0.1)]
    run = RunData(phases=dict(PHASES), calls=calls, end=10.0)
    assert not ErrorRate(type="error_rate", phase="during", max=0.0).evaluate(run).passed
    assert ErrorRate(type="error_rate", phase="during", max=0.0, settle_s=1).evaluate(run).passed
