"""Routing policy with in-process fakes: a manual clock, a seeded RNG, latencies told by hand.

Each "call" is ``order`` -> ``started`` -> ``finished`` on the first deployment, with the
latency and outcome a simulated deployment would give; nothing waits and nothing is timed.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

import pytest

from zen_server.providers.routing import Deployment, EjectionPolicy, Router, StrategyName
from zen_server.resilience.clock import ManualClock


def deployment(
    name: str, *, region: str = "default", weight: float = 1.0, rpm: int | None = None
) -> Deployment:
    return Deployment(
        name=name,
        kind="openai",
        base_url=f"http://{name}.test",
        api_key=None,
        region=region,
        weight=weight,
        models={"gpt-5": "gpt-5"},
        rpm=rpm,
    )


def router(
    *deployments: Deployment,
    strategy: StrategyName = "peak_ewma",
    region: str | None = None,
    policy: EjectionPolicy | None = None,
    clock: ManualClock | None = None,
) -> tuple[Router, ManualClock]:
    clock = clock or ManualClock()
    return Router(
        deployments, strategy=strategy, region=region, policy=policy, clock=clock, rng=random.Random(7)
    ), clock


Behaviour = Callable[[str], tuple[bool, float]]  # deployment -> (ok, latency_s)


def simulate(
    r: Router, clock: ManualClock, calls: int, behave: Behaviour, *, gap_s: float = 0.01
) -> Counter[str]:
    """``calls`` sequential calls, each on the router's first choice; the share each one got."""
    served: Counter[str] = Counter()
    for _ in range(calls):
        first = r.order("gpt-5")[0].name
        r.started(first)
        ok, latency = behave(first)
        clock.advance(gap_s)
        r.finished(first, ok=ok, latency_s=latency)
        served[first] += 1
    return served


LATENCY = {"a": 0.05, "b": 0.10, "c": 0.40}


def by_latency(name: str) -> tuple[bool, float]:
    return True, LATENCY[name]


def test_weighted_shuffle_shares_follow_the_weights() -> None:
    r, clock = router(deployment("a", weight=1), deployment("b", weight=3), strategy="weighted_shuffle")
    served = simulate(r, clock, 4000, lambda name: (True, 0.01))
    assert 0.70 < served["b"] / 4000 < 0.80
    assert sorted(d.name for d in r.order("gpt-5")) == ["a", "b"]  # the rest are the failover order


def test_least_request_prefers_the_deployment_with_fewer_in_flight() -> None:
    r, _ = router(deployment("a"), deployment("b"), strategy="least_request")
    for _ in range(5):
        r.started("a")
    firsts = Counter(r.order("gpt-5")[0].name for _ in range(200))
    assert firsts == Counter({"b": 200})  # two choices of two: always both seen


def test_peak_ewma_sends_little_traffic_to_a_slow_deployment() -> None:
    r, clock = router(deployment("a"), deployment("b"), deployment("c"))
    served = simulate(r, clock, 2000, by_latency)
    assert served["c"] / 2000 < 0.10
    assert served["a"] > served["b"] > served["c"]


def test_lowest_latency_sends_almost_everything_to_the_fastest() -> None:
    r, clock = router(deployment("a"), deployment("b"), deployment("c"), strategy="lowest_latency")
    served = simulate(r, clock, 2000, by_latency)
    assert served["a"] / 2000 > 0.95  # the others only when their idle estimate decayed (probes)
    assert served["b"] > 0


def test_lowest_latency_probes_a_decayed_deployment_one_request_at_a_time() -> None:
    r, clock = router(deployment("a"), deployment("b"), strategy="lowest_latency")
    for name, latency in (("a", 0.5), ("b", 4.0)):
        r.started(name)
        r.finished(name, ok=True, latency_s=latency)
    clock.advance(30.0)  # b's estimate decayed below a's
    firsts = []
    for _ in range(20):  # 20 calls start while none has answered yet
        first = r.order("gpt-5")[0].name
        r.started(first)
        firsts.append(first)
    assert firsts.count("b") == 1  # the probe; the rest do not follow the decayed figure


def test_at_a_cold_start_lowest_latency_probes_each_deployment_once_then_follows_the_answers() -> None:
    r, clock = router(deployment("a"), deployment("b"), deployment("c"), strategy="lowest_latency")
    firsts = []
    for _ in range(3):  # nothing known: one probe each, not every call on an unknown one
        first = r.order("gpt-5")[0].name
        r.started(first)
        firsts.append(first)
    assert sorted(firsts) == ["a", "b", "c"]
    clock.advance(0.05)
    r.finished("a", ok=True, latency_s=0.05)  # a answers first; b and c are still out
    assert {r.order("gpt-5")[0].name for _ in range(50)} == {"a"}


def test_lowest_latency_spreads_by_weight_among_those_within_the_buffer() -> None:
    r, clock = router(deployment("a"), deployment("b", weight=3), strategy="lowest_latency")
    served = simulate(r, clock, 2000, lambda name: (True, 0.100 if name == "a" else 0.105))
    assert 0.65 < served["b"] / 2000 < 0.85


def test_the_default_strategy_is_the_settings_default() -> None:
    from zen_server.config import Settings

    assert Router([deployment("a")]).strategy_name == Settings.model_fields["zen_routing"].default


def test_weighted_shuffle_is_blind_to_latency() -> None:
    r, clock = router(deployment("a"), deployment("b"), deployment("c"), strategy="weighted_shuffle")
    served = simulate(r, clock, 3000, by_latency)
    assert served["c"] / 3000 > 0.25


def test_peak_ewma_sees_a_slowdown_on_the_first_slow_reply() -> None:
    r, _ = router(deployment("a"), deployment("b"))
    for name in ("a", "b"):
        r.started(name)
        r.finished(name, ok=True, latency_s=0.05)
    r.started("a")
    r.finished("a", ok=True, latency_s=2.0)  # a peak replaces the average at once
    assert Counter(r.order("gpt-5")[0].name for _ in range(100)) == Counter({"b": 100})


def test_an_idle_slow_deployment_is_probed_again_once_its_latency_decayed() -> None:
    r, clock = router(deployment("a"), deployment("b"))
    r.started("a")
    r.finished("a", ok=True, latency_s=0.05)
    r.started("b")
    r.finished("b", ok=True, latency_s=0.5)
    assert r.order("gpt-5")[0].name == "a"
    probed = False
    for _ in range(60):  # a keeps answering in 50 ms; b, unobserved, decays towards zero
        clock.advance(1.0)
        first = r.order("gpt-5")[0].name
        probed = probed or first == "b"
        r.started(first)
        r.finished(first, ok=True, latency_s=0.05 if first == "a" else 0.5)
    assert probed


def test_consecutive_failures_eject_for_base_time_then_traffic_returns() -> None:
    policy = EjectionPolicy(consecutive_failures=3, base_ejection_s=2.0, max_ejection_s=30.0)
    r, clock = router(deployment("a"), deployment("b"), deployment("c"), policy=policy)
    for name in "abc":
        r.started(name)
        r.finished(name, ok=True, latency_s=0.05)
    lengths = []
    for _ in range(3):
        r.started("a")
        lengths.append(r.finished("a", ok=False, latency_s=0.01))
    assert lengths == [None, None, 2.0]
    assert all(r.order("gpt-5")[0].name != "a" for _ in range(100))
    assert r.order("gpt-5")[-1].name == "a"  # still the last resort of the failover
    clock.advance(2.01)
    assert any(r.order("gpt-5")[0].name == "a" for _ in range(100))


def test_a_fast_failure_counts_as_the_penalty_and_keeps_traffic_away_without_ejection() -> None:
    r, clock = router(deployment("a"), deployment("b"), strategy="lowest_latency")
    for name in "ab":
        r.started(name)
        r.finished(name, ok=True, latency_s=0.05)
    r.started("a")
    r.finished("a", ok=False, latency_s=0.001)  # a 429 answered in 1 ms
    assert {v.name: v.ewma_latency_s for v in r.views()}["a"] == pytest.approx(1.0, rel=0.01)
    clock.advance(5.0)
    assert {r.order("gpt-5")[0].name for _ in range(50)} == {"b"}


def test_each_ejection_lasts_base_time_times_the_count_capped() -> None:
    policy = EjectionPolicy(consecutive_failures=1, base_ejection_s=2.0, max_ejection_s=5.0)
    r, clock = router(deployment("a"), deployment("b"), deployment("c"), policy=policy)
    lengths = []
    for _ in range(4):
        r.started("a")
        lengths.append(r.finished("a", ok=False, latency_s=0.01))
        clock.advance(lengths[-1] or 0.0)
    assert lengths == [2.0, 4.0, 5.0, 5.0]


def test_a_healthy_spell_brings_the_ejection_time_back_down() -> None:
    policy = EjectionPolicy(consecutive_failures=1, base_ejection_s=2.0, max_ejection_s=30.0)
    r, clock = router(deployment("a"), deployment("b"), deployment("c"), policy=policy)
    for _ in range(3):
        r.started("a")
        length = r.finished("a", ok=False, latency_s=0.01)
        clock.advance(length or 0.0)
    clock.advance(100.0)  # healthy long enough to forget every ejection
    r.started("a")
    assert r.finished("a", ok=False, latency_s=0.01) == 2.0


def test_a_failure_rate_ejects_even_without_a_run_of_failures() -> None:
    policy = EjectionPolicy(consecutive_failures=0, failure_rate=0.5, min_requests=10, window=10)
    r, _ = router(deployment("a"), deployment("b"), deployment("c"), policy=policy)
    results = []
    for index in range(10):
        r.started("a")
        results.append(r.finished("a", ok=index % 2 == 0, latency_s=0.01))
    assert results[:-1] == [None] * 9 and results[-1] is not None


def test_no_more_than_the_max_ejection_percent_and_never_all() -> None:
    policy = EjectionPolicy(consecutive_failures=1, max_ejection_percent=50.0)
    r, _ = router(*(deployment(n) for n in "abcd"), policy=policy)
    ejected = []
    for name in "abcd":
        r.started(name)
        ejected.append(r.finished(name, ok=False, latency_s=0.01) is not None)
    assert ejected == [True, True, False, False]
    two, _ = router(
        deployment("a"),
        deployment("b"),
        policy=EjectionPolicy(consecutive_failures=1, max_ejection_percent=100),
    )
    for name in "ab":
        two.started(name)
    assert two.finished("a", ok=False, latency_s=0.01) is not None
    assert two.finished("b", ok=False, latency_s=0.01) is None  # the last one is never ejected


def test_retry_after_cools_a_deployment_until_it_passed_unless_all_cool() -> None:
    r, clock = router(deployment("a"), deployment("b"))
    r.started("a")
    r.finished("a", ok=False, latency_s=0.01, retry_after=3.0)
    assert {r.order("gpt-5")[0].name for _ in range(50)} == {"b"}
    r.started("b")
    r.finished("b", ok=False, latency_s=0.01, retry_after=1.0)
    assert len(r.order("gpt-5")) == 2  # every deployment cooling: still something to try
    clock.advance(3.01)
    assert {r.order("gpt-5")[0].name for _ in range(200)} == {"a", "b"}


def test_a_deployment_at_its_rpm_quota_is_skipped_until_the_minute_passes() -> None:
    r, clock = router(deployment("a", rpm=3), deployment("b"), strategy="least_request")
    for _ in range(3):
        r.started("a")
        r.finished("a", ok=True, latency_s=0.01)
    assert {r.order("gpt-5")[0].name for _ in range(50)} == {"b"}
    clock.advance(61.0)
    assert "a" in {r.order("gpt-5")[0].name for _ in range(50)}


REGIONS = (deployment("eu-1", region="eu"), deployment("eu-2", region="eu"), deployment("us-1", region="us"))


def test_the_local_region_takes_all_traffic_while_healthy() -> None:
    r, clock = router(*REGIONS, region="EU")
    served = simulate(r, clock, 500, lambda name: (True, 0.05 if name.startswith("eu") else 0.01))
    assert served["us-1"] == 0


def test_local_outage_fails_over_to_the_other_region_and_traffic_returns_after_healing() -> None:
    # The cap must allow a whole region out: here 2 of 3 deployments (never all 3).
    policy = EjectionPolicy(consecutive_failures=2, base_ejection_s=2.0, max_ejection_percent=70.0)
    r, clock = router(*REGIONS, region="eu", policy=policy)
    down = True

    def behave(name: str) -> tuple[bool, float]:
        return (not (down and name.startswith("eu")), 0.02)

    simulate(r, clock, 20, behave)
    after_outage = simulate(r, clock, 50, behave)
    assert after_outage == Counter({"us-1": 50})
    down = False
    clock.advance(2.0)
    healed = simulate(r, clock, 100, behave)
    assert healed["us-1"] == 0


def test_partial_local_health_spills_the_missing_share_to_the_other_region() -> None:
    # One of two local deployments ejected: healthy share 0.5 x 1.4 = 0.7 stays local.
    policy = EjectionPolicy(consecutive_failures=1, max_ejection_percent=50.0)
    r, clock = router(*REGIONS, region="eu", policy=policy)
    r.started("eu-1")
    assert r.finished("eu-1", ok=False, latency_s=0.01) is not None
    served = simulate(r, clock, 2000, lambda name: (True, 0.02), gap_s=0.0)
    assert 0.25 < served["us-1"] / 2000 < 0.35
    assert served["eu-1"] == 0


@pytest.mark.parametrize("strategy", ["peak_ewma", "least_request", "weighted_shuffle"])
def test_a_seeded_run_repeats_exactly(strategy: StrategyName) -> None:
    runs = []
    for _ in range(2):
        r, clock = router(deployment("a"), deployment("b"), deployment("c"), strategy=strategy)
        runs.append(simulate(r, clock, 300, by_latency))
    assert runs[0] == runs[1]


def test_views_report_each_deployment() -> None:
    r, _ = router(deployment("a", region="eu"), deployment("b"))
    r.started("a")
    views = {v.name: v for v in r.views()}
    assert views["a"].in_flight == 1 and views["a"].region == "eu" and views["a"].requests == 1
    assert not views["b"].ejected and r.serves("GPT-5") and not r.serves("gpt-4")
