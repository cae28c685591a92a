"""rpm/tpm quotas shared through the real Redis: two instances together stay within a quota.

The wall clock is fixed inside one minute, so the window never rolls during a test.
"""

from __future__ import annotations

import random

import pytest
import respx
from redis.asyncio import Redis

from zen_server.observability.events import RecordingObserver
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.gateway import ModelGateway
from zen_server.providers.openai_compatible import OpenAICompatibleProvider, OpenAIEndpoint
from zen_server.providers.routing import Deployment, Router
from zen_server.providers.routing.shared_quota import SharedQuota
from zen_server.providers.types import ChatMessage, ModelRequest
from zen_server.resilience.deadline import deadline_scope

MINUTE = 60.0 * 29_000_000 + 5.0  # one fixed wall-clock moment, 5 s into a minute
OK = {"choices": [{"message": {"content": "ok"}, "finish_reason": "stop"}], "usage": {"total_tokens": 40}}


def deployment(name: str, *, rpm: int | None = None, tpm: int | None = None) -> Deployment:
    return Deployment(
        name=name,
        kind="openai",
        base_url=f"https://{name}.test/v1",
        api_key=None,
        region="default",
        weight=1.0,
        models={"gpt-5": "gpt-5"},
        rpm=rpm,
        tpm=tpm,
    )


def quota(url: str, prefix: str) -> SharedQuota:
    return SharedQuota(Redis.from_url(url), prefix=prefix, timeout_s=2.0, wall_clock=lambda: MINUTE)


@pytest.mark.redis
async def test_two_instances_together_take_no_more_than_the_rpm(redis_url: str, redis_prefix: str) -> None:
    one, two = quota(redis_url, redis_prefix), quota(redis_url, redis_prefix)
    limited = deployment("a", rpm=5)
    try:
        taken = [await (one if i % 2 else two).take(limited) for i in range(8)]
        assert taken == [True] * 5 + [False] * 3
        assert await one.take(deployment("free"))  # no quota: never counted
        assert one.seconds_to_next_window() == 55.0
    finally:
        await one.aclose()
        await two.aclose()


@pytest.mark.redis
async def test_tokens_spent_by_one_instance_close_the_tpm_for_the_other(
    redis_url: str, redis_prefix: str
) -> None:
    one, two = quota(redis_url, redis_prefix), quota(redis_url, redis_prefix)
    limited = deployment("t", tpm=100)
    try:
        assert await two.take(limited)
        await one.spent(limited, 100)
        assert not await two.take(limited)
    finally:
        await one.aclose()
        await two.aclose()


async def test_an_unreachable_redis_never_refuses_a_call(unused_port: int) -> None:
    dead = SharedQuota(
        Redis.from_url(f"redis://127.0.0.1:{unused_port}/0"), prefix="zen-test:", timeout_s=1.0, pause_s=60
    )
    try:
        assert await dead.take(deployment("a", rpm=1))
        assert dead.errors == 1
        assert await dead.take(deployment("a", rpm=1)) and dead.errors == 1  # paused: not asked again
    finally:
        await dead.aclose()


def instance(shared: SharedQuota, catalog: ModelCatalog) -> ModelGateway:
    deployments = [deployment("a", rpm=3), deployment("b")]
    router = Router(deployments, strategy="weighted_shuffle", rng=random.Random(1))
    providers = {
        d.name: OpenAICompatibleProvider(OpenAIEndpoint("openai", d.base_url, "k"), catalog=catalog)
        for d in deployments
    }
    return ModelGateway(
        catalog,
        {},
        observer=RecordingObserver(),
        router=router,
        deployment_providers=providers,
        shared_quota=shared,
    )


@pytest.mark.redis
@respx.mock
async def test_two_gateways_send_a_limited_deployment_no_more_than_its_shared_rpm(
    redis_url: str, redis_prefix: str, catalog: ModelCatalog
) -> None:
    a = respx.post("https://a.test/v1/chat/completions").respond(200, json=OK)
    b = respx.post("https://b.test/v1/chat/completions").respond(200, json=OK)
    served = catalog.with_served(frozenset({"gpt-5"}))
    gateways = [instance(quota(redis_url, redis_prefix), served) for _ in range(2)]
    request = ModelRequest(model="gpt-5", messages=(ChatMessage("user", "hi"),), allow_fallback=False)
    try:
        async with deadline_scope(10):
            answered = [await gateways[i % 2].generate(request) for i in range(20)]
    finally:
        for gateway in gateways:
            await gateway.aclose()
    assert a.call_count == 3 and b.call_count == 17  # a's 3 a minute, across both instances
    assert {r.deployment for r in answered} == {"a", "b"}
