"""``provider_retries`` judged on hand-made provider logs: retry spacing after a 429 and no
retry at all after a permanent error, request by request."""

from __future__ import annotations

from harness.chaos.hypotheses.retries import ProviderRetries
from harness.chaos.records import ProviderRequest, RunData

PHASES = {"before": (0.0, 2.0), "during": (2.0, 6.0), "after": (6.0, 10.0)}


def log(*requests: tuple[str, float, int]) -> RunData:
    data = RunData(phases=dict(PHASES), end=10.0, provider_bodies_recorded=True)
    data.provider_requests = [ProviderRequest("openai", body, t, status) for body, t, status in requests]
    return data


STORM = ProviderRetries(type="provider_retries", provider="openai", statuses=[429], min_gap_s=1)
PERMANENT = ProviderRetries(type="provider_retries", provider="openai", statuses=[400, 401, 404])


def test_a_retry_sooner_than_retry_after_is_red_even_when_others_wait() -> None:
    patient = log(("a", 2.0, 429), ("a", 3.1, 200), ("b", 2.5, 429), ("b", 3.6, 429), ("b", 4.7, 200))
    verdict = STORM.evaluate(patient)
    assert verdict.passed and verdict.figures["retried"] == 3 and verdict.figures["early"] == 0
    hasty = log(("a", 2.0, 429), ("a", 3.1, 200), ("b", 2.5, 429), ("b", 2.6, 200))
    verdict = STORM.evaluate(hasty)
    assert not verdict.passed and verdict.figures["early"] == 1
    assert verdict.figures["shortest_gap_ms"] == 100.0


def test_a_permanent_error_sent_again_is_red() -> None:
    assert PERMANENT.evaluate(log(("a", 2.0, 401), ("b", 2.1, 404), ("c", 2.2, 200))).passed
    verdict = PERMANENT.evaluate(log(("a", 2.0, 400), ("a", 2.3, 400), ("b", 2.1, 404)))
    assert not verdict.passed and verdict.figures == {"refused": 3, "retried": 1}


def test_no_refusal_or_no_log_is_never_a_pass() -> None:
    assert not PERMANENT.evaluate(log(("a", 2.0, 200))).passed
    assert not STORM.evaluate(RunData(phases=dict(PHASES), end=10.0)).passed
