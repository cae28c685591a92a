"""The response-cache key and the routing pick: per-call work added by caching and routing."""

from __future__ import annotations

import random

from pytest_benchmark.fixture import BenchmarkFixture

from zen_server.cache.response_key import response_key
from zen_server.providers.routing.deployments import Deployment
from zen_server.providers.routing.health import DeploymentHealth, EjectionPolicy
from zen_server.providers.routing.strategies import STRATEGIES, strategy_named
from zen_server.providers.types import ChatMessage, ModelRequest, ResolvedCall

PROMPT = "Why does the retry budget refill per request rather than per second? " * 8


def test_response_cache_key(benchmark: BenchmarkFixture) -> None:
    request = ModelRequest(
        model="gpt-5",
        messages=(ChatMessage("system", "You are a senior engineer. " * 40), ChatMessage("user", PROMPT)),
        temperature=0.5,
    )
    target = ResolvedCall(provider="openai", model="gpt-5", api_model="gpt-5")
    key = benchmark(response_key, request, target)
    assert key == response_key(request, target)  # the same request, the same key
    other = ModelRequest(model="gpt-5", messages=(ChatMessage("user", PROMPT + "?"),), temperature=0.5)
    assert response_key(other, target) != key


def _deployments(count: int) -> list[DeploymentHealth]:
    return [
        DeploymentHealth(
            Deployment(
                f"d{n}", "openai", f"http://127.0.0.1:{9000 + n}/v1", None, "eu", 1.0, {"gpt-5": "gpt-5"}
            ),
            EjectionPolicy(),
            initial_latency_s=0.1 + n / 100,
        )
        for n in range(count)
    ]


def test_routing_pick_each_strategy(benchmark: BenchmarkFixture) -> None:
    """One ranking per strategy of four healthy deployments (the sum: the strategies are alternatives)."""
    candidates = _deployments(4)
    rng = random.Random(7)
    strategies = [strategy_named(name) for name in STRATEGIES]

    def rank_all() -> list[str]:
        return [strategy(candidates, 100.0, rng)[0].deployment.name for strategy in strategies]

    picks = benchmark(rank_all)
    assert len(picks) == len(STRATEGIES)
    assert all(pick in {h.deployment.name for h in candidates} for pick in picks)
