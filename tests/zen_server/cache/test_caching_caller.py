"""The caching caller: hits only for identical requests, never errors or cut-off answers."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from zen_server.cache.caller import CachingModelCaller
from zen_server.cache.response_cache import ResponseCache, decode, encode
from zen_server.config import Settings, load_settings
from zen_server.errors import ConfigurationError, TransientProviderError
from zen_server.providers.types import ChatMessage, ModelRequest, ModelResponse, ResolvedCall, TokenUsage


@dataclasses.dataclass
class CountingModels:
    """A provider stand-in: counts calls, answers "reply <n>", can fail or cut answers off."""

    calls: int = 0
    finish_reason: str = "stop"
    fail: bool = False
    release: asyncio.Event | None = None

    async def generate(self, request: ModelRequest) -> ModelResponse:
        self.calls += 1
        if self.release is not None:
            await self.release.wait()
        if self.fail:
            raise TransientProviderError("provider answered 503", provider="p", model=request.model)
        return ModelResponse(
            f"reply {self.calls}", "p", request.model, TokenUsage(3, 4), finish_reason=self.finish_reason
        )


def target(request: ModelRequest) -> ResolvedCall:
    return ResolvedCall("p", request.model, request.model)


def ask(text: str = "hello", **changes: Any) -> ModelRequest:
    request = ModelRequest(model="m", messages=(ChatMessage("system", "v1"), ChatMessage("user", text)))
    return dataclasses.replace(request, **changes)


def caching(models: CountingModels, *, single_flight: bool = True) -> CachingModelCaller:
    cache = ResponseCache(1_000_000, 60.0)
    return CachingModelCaller(models, target, cache=cache, single_flight=single_flight)


async def test_an_identical_request_is_served_from_cache_and_flagged() -> None:
    models = CountingModels()
    caller = caching(models)
    first = await caller.generate(ask())
    second = await caller.generate(ask())
    assert models.calls == 1
    assert first.cached is False and second.cached is True
    assert second.text == first.text and second.usage == first.usage


@pytest.mark.parametrize(
    "change",
    [
        {"temperature": 0.2},
        {"max_output_tokens": 100},
        {"thinking_mode": "high"},
        {"model": "other"},
        {"tool_name": "codereview"},
    ],
)
async def test_any_changed_parameter_is_a_miss(change: dict[str, Any]) -> None:
    models = CountingModels()
    caller = caching(models)
    await caller.generate(ask())
    again = await caller.generate(ask(**change))
    assert models.calls == 2 and again.cached is False


async def test_an_edited_file_in_the_prompt_is_a_miss() -> None:
    models = CountingModels()
    caller = caching(models)
    await caller.generate(ask("--- BEGIN FILE: a.py ---\nx = 1\n--- END FILE ---"))
    again = await caller.generate(ask("--- BEGIN FILE: a.py ---\nx = 2\n--- END FILE ---"))
    assert models.calls == 2 and again.text == "reply 2"


async def test_errors_are_not_cached() -> None:
    models = CountingModels(fail=True)
    caller = caching(models)
    for _ in range(2):
        with pytest.raises(TransientProviderError):
            await caller.generate(ask())
    assert models.calls == 2
    models.fail = False
    assert (await caller.generate(ask())).cached is False


@pytest.mark.parametrize("finish", ["length", "content_filter", "MAX_TOKENS", ""])
async def test_cut_off_or_filtered_answers_are_not_cached(finish: str) -> None:
    models = CountingModels(finish_reason=finish)
    caller = caching(models)
    await caller.generate(ask())
    await caller.generate(ask())
    assert models.calls == 2


async def test_an_answer_from_a_fallback_model_is_not_kept_under_the_first_models_key() -> None:
    models = CountingModels()
    elsewhere = ResolvedCall("other-provider", "m", "m")  # the key's model; "p" answers instead
    caller = CachingModelCaller(models, lambda r: elsewhere, cache=ResponseCache(1_000_000, 60.0))
    await caller.generate(ask())
    assert (await caller.generate(ask())).cached is False and models.calls == 2


async def test_concurrent_identical_calls_reach_the_provider_once() -> None:
    models = CountingModels(release=asyncio.Event())
    caller = CachingModelCaller(models, target, single_flight=True)
    calls = [asyncio.create_task(caller.generate(ask())) for _ in range(100)]
    assert caller.flights is not None
    await asyncio.sleep(0)  # one loop pass: every new task runs up to its wait
    assert caller.flights.stats.joins == 99
    models.release.set()  # type: ignore[union-attr]
    answers = await asyncio.gather(*calls)
    assert models.calls == 1 and {a.text for a in answers} == {"reply 1"}


async def test_without_single_flight_each_concurrent_call_is_sent() -> None:
    models = CountingModels()
    caller = CachingModelCaller(models, target, single_flight=False)
    await asyncio.gather(*(caller.generate(ask()) for _ in range(3)))
    assert models.calls == 3


async def test_the_memory_tier_expires_entries_and_keeps_its_budget() -> None:
    cache = ResponseCache(2_000, ttl_s=60.0)
    now = [0.0]
    cache.memory._clock = lambda: now[0]
    reply = ModelResponse("x" * 300, "p", "m", finish_reason="stop")
    for n in range(20):
        await cache.put(f"k{n}", reply)
        assert cache.memory.bytes <= 2_000
    assert cache.memory.stats.evictions > 0
    assert await cache.get("k19") is not None
    now[0] = 61.0
    assert await cache.get("k19") is None


def test_a_reply_survives_encoding_with_every_field() -> None:
    reply = ModelResponse("é ✓", "p", "m", TokenUsage(1, 2), finish_reason="stop", fell_back_from=("a",))
    reply = dataclasses.replace(reply, deployment="d", region="eu")
    # A field added to ModelResponse must get a non-default value above, or this fails.
    defaults = ModelResponse("", "", "")
    unset = [f.name for f in dataclasses.fields(reply) if getattr(reply, f.name) == getattr(defaults, f.name)]
    assert unset == ["cached"]
    assert decode(encode(reply)) == reply
    assert decode(encode(dataclasses.replace(reply, cached=True))).cached is False


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("zen_response_cache", "disk"),
        ("zen_response_cache_ttl_s", "-1"),
        ("zen_response_cache_mb", "0"),
        ("zen_response_cache_redis_timeout_s", "60"),
        ("zen_file_cache_mb", "-5"),
        ("zen_single_flight", "maybe"),
    ],
)
def test_a_bad_cache_setting_stops_the_server_naming_it(variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=variable.upper()):
        load_settings(**{variable: value})


def test_the_response_cache_is_off_and_single_flight_on_by_default() -> None:
    settings = Settings()
    assert settings.zen_response_cache == "off" and settings.zen_single_flight is True
