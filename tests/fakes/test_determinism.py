"""Seeded: the same seed and request order give the same faults and delays; streams are per model."""

from __future__ import annotations

from fakes import FakeEngine, ProviderBehaviour
from fakes.script import FakeRequest, Pause

FLAKY = ProviderBehaviour.model_validate(
    {
        "default": {
            "latency": {"p50_ms": 100, "p99_ms": 2000},
            "faults": [{"kind": "error", "status": 429, "rate": 0.3}, {"kind": "drop", "rate": 0.2}],
        }
    }
)


def request(model: str) -> FakeRequest:
    body = b'{"model": "%s", "messages": [{"role": "user", "content": "x"}]}' % model.encode()
    return FakeRequest("POST", "/v1/chat/completions", {}, body)


def run(engine: FakeEngine, models: list[str]) -> list[tuple[str, float]]:
    outcomes = []
    for model in models:
        with engine.exchange(request(model)) as script:
            pause = next((s.seconds for s in script.steps if isinstance(s, Pause)), 0.0)
            outcomes.append((script.fault, pause))
    return outcomes


def test_same_seed_same_order_same_faults_and_delays() -> None:
    models = ["gpt-5"] * 40
    first = run(FakeEngine("openai", FLAKY, seed=42), models)
    assert first == run(FakeEngine("openai", FLAKY, seed=42), models)
    assert {fault for fault, _ in first} == {"none", "error:429", "drop"}
    assert first != run(FakeEngine("openai", FLAKY, seed=43), models)


def test_each_model_has_its_own_stream() -> None:
    alone = run(FakeEngine("openai", FLAKY, seed=1), ["gpt-5"] * 20)
    mixed = run(FakeEngine("openai", FLAKY, seed=1), ["gpt-5", "o3"] * 20)
    assert mixed[0::2] == alone  # o3's requests do not shift gpt-5's sequence


def test_reset_restarts_the_sequence() -> None:
    engine = FakeEngine("openai", FLAKY, seed=5)
    first = run(engine, ["gpt-5"] * 10)
    engine.reset()
    assert run(engine, ["gpt-5"] * 10) == first


def test_max_count_limits_a_fault_then_requests_succeed() -> None:
    behaviour = ProviderBehaviour.model_validate({"default": {"faults": [{"kind": "error", "max_count": 3}]}})
    engine = FakeEngine("openai", behaviour)
    assert [fault for fault, _ in run(engine, ["gpt-5"] * 5)] == ["error:500"] * 3 + ["none"] * 2
    engine.set_behaviour(behaviour)  # setting the behaviour again restores the budget
    assert run(engine, ["gpt-5"])[0][0] == "error:500"
