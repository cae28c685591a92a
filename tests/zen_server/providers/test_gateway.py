from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import pytest

from zen_server.config import Settings
from zen_server.errors import (
    CircuitOpenError,
    PermanentProviderError,
    TransientProviderError,
    UnknownModelError,
)
from zen_server.observability.events import FallbackTaken, ProviderAttempt, RecordingObserver
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.gateway import BreakerConfig, ModelGateway, build_model_gateway
from zen_server.providers.types import ChatMessage, ModelRequest, ModelResponse, ResolvedCall
from zen_server.resilience.clock import ManualClock
from zen_server.resilience.deadline import deadline_scope
from zen_server.resilience.retry import RetryPolicy

MakeSettings = Callable[..., Settings]
Behaviour = Callable[[ResolvedCall], ModelResponse]


class ScriptedProvider:
    """An in-process Provider whose answer is a function of the call (raises to fail)."""

    def __init__(self, name: str, behaviour: Behaviour | None = None) -> None:
        self._name = name
        self.behaviour = behaviour or (lambda t: ModelResponse(text="ok", provider=name, model=t.model))
        self.calls: list[tuple[ResolvedCall, float]] = []
        self.closed = False

    @property
    def name(self) -> str:
        return self._name

    async def generate(self, request: ModelRequest, target: ResolvedCall, *, timeout: float) -> ModelResponse:
        self.calls.append((target, timeout))
        return self.behaviour(target)

    async def aclose(self) -> None:
        self.closed = True


def failing(name: str, status: int = 503) -> Behaviour:
    def behave(target: ResolvedCall) -> ModelResponse:
        if status < 500 and status != 429:
            raise PermanentProviderError(f"{status}", provider=name, model=target.model, status=status)
        raise TransientProviderError(f"{status}", provider=name, model=target.model, status=status)

    return behave


def ask(model: str = "auto", tool: str = "chat", allow_fallback: bool = True) -> ModelRequest:
    return ModelRequest(
        model=model, messages=(ChatMessage("user", "hi"),), tool_name=tool, allow_fallback=allow_fallback
    )


Parts = tuple[ModelCatalog, dict[str, ScriptedProvider], ManualClock]


@pytest.fixture
def gateway_parts(make_settings: MakeSettings, observer: RecordingObserver) -> Parts:
    settings = make_settings(openai_api_key="k1", gemini_api_key="k2", openrouter_api_key="k3")
    catalog = ModelCatalog.from_settings(settings)
    providers = {p: ScriptedProvider(p) for p in ("openai", "gemini", "openrouter")}
    return catalog, providers, ManualClock()


def make_gateway(parts: Parts, observer: RecordingObserver) -> ModelGateway:
    catalog, providers, clock = parts
    retry = RetryPolicy(max_attempts=2, sleep=clock.sleep, random=lambda: 0.0, observer=observer)
    return ModelGateway(
        catalog,
        providers,
        observer=observer,
        retry=retry,
        breaker_config=BreakerConfig(min_calls=2, failure_rate=0.5, open_s=30.0),
        clock=clock,
    )


async def test_explicit_model_goes_to_its_provider_with_deadline_timeout(
    gateway_parts: Parts, observer: RecordingObserver
) -> None:
    gateway = make_gateway(gateway_parts, observer)
    async with deadline_scope(10):
        response = await gateway.generate(ask("gpt-5"))
    assert (response.provider, response.model, response.fell_back_from) == ("openai", "gpt-5", ())
    target, timeout = gateway_parts[1]["openai"].calls[0]
    assert target.api_model == "gpt-5" and 0 < timeout <= 10
    assert [e.status for e in observer.of_type(ProviderAttempt)] == ["ok"]  # type: ignore[union-attr]


async def test_auto_mode_picks_best_available(gateway_parts: Parts, observer: RecordingObserver) -> None:
    response = await make_gateway(gateway_parts, observer).generate(ask("auto", tool="thinkdeep"))
    assert (response.provider, response.model) == ("openai", "gpt-6-astra")


async def test_transient_failure_is_retried_then_falls_back_to_equivalent(
    gateway_parts: Parts, observer: RecordingObserver
) -> None:
    _, providers, _ = gateway_parts
    providers["openai"].behaviour = failing("openai")
    response = await make_gateway(gateway_parts, observer).generate(ask("gpt-5"))
    assert (response.provider, response.model) == ("openrouter", "openai/gpt-5")
    assert response.fell_back_from == ("openai",)
    assert len(providers["openai"].calls) == 2  # max_attempts
    fallback = observer.of_type(FallbackTaken)
    assert [(f.from_provider, f.to_provider) for f in fallback] == [("openai", "openrouter")]  # type: ignore[union-attr]


async def test_no_fallback_when_request_forbids_it(gateway_parts: Parts, observer: RecordingObserver) -> None:
    gateway_parts[1]["openai"].behaviour = failing("openai")
    with pytest.raises(TransientProviderError):
        await make_gateway(gateway_parts, observer).generate(ask("gpt-5", allow_fallback=False))
    assert gateway_parts[1]["openrouter"].calls == []


async def test_permanent_error_is_neither_retried_nor_fallen_back(
    gateway_parts: Parts, observer: RecordingObserver
) -> None:
    gateway_parts[1]["openai"].behaviour = failing("openai", 400)
    gateway = make_gateway(gateway_parts, observer)
    with pytest.raises(PermanentProviderError):
        await gateway.generate(ask("gpt-5"))
    assert len(gateway_parts[1]["openai"].calls) == 1
    assert gateway.breaker_states()["openai"] == "closed"


async def test_open_breaker_fails_fast_and_falls_back(
    gateway_parts: Parts, observer: RecordingObserver
) -> None:
    _, providers, clock = gateway_parts
    providers["openai"].behaviour = failing("openai")
    gateway = make_gateway(gateway_parts, observer)
    with pytest.raises(TransientProviderError):
        await gateway.generate(ask("gpt-5", allow_fallback=False))
    assert gateway.breaker_states()["openai/gpt-5"] == "open"
    calls_before = len(providers["openai"].calls)
    slept_before = list(clock.slept)
    with pytest.raises(CircuitOpenError):
        await gateway.generate(ask("gpt-5", allow_fallback=False))
    assert len(providers["openai"].calls) == calls_before  # not even tried
    assert clock.slept == slept_before  # and nothing waited: no backoff before the refusal
    response = await gateway.generate(ask("gpt-5"))
    assert response.provider == "openrouter"


async def test_auto_mode_falls_back_to_another_provider(
    gateway_parts: Parts, observer: RecordingObserver
) -> None:
    _, providers, _ = gateway_parts
    providers["openai"].behaviour = failing("openai", 429)
    response = await make_gateway(gateway_parts, observer).generate(ask("auto", tool="thinkdeep"))
    assert response.provider != "openai" and response.fell_back_from[0] == "openai"


async def test_unknown_model_is_reported_before_any_call(
    gateway_parts: Parts, observer: RecordingObserver
) -> None:
    with pytest.raises(UnknownModelError):
        await make_gateway(gateway_parts, observer).generate(ask("nope-1"))
    assert all(not p.calls for p in gateway_parts[1].values())


async def test_cancellation_propagates_and_records_cancelled_attempt(
    gateway_parts: Parts, observer: RecordingObserver
) -> None:
    class Hanging(ScriptedProvider):
        async def generate(
            self, request: ModelRequest, target: ResolvedCall, *, timeout: float
        ) -> ModelResponse:
            await asyncio.Event().wait()
            raise AssertionError

    gateway_parts[1]["openai"] = Hanging("openai")
    task = asyncio.create_task(make_gateway(gateway_parts, observer).generate(ask("gpt-5")))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [e.status for e in observer.of_type(ProviderAttempt)] == ["cancelled"]  # type: ignore[union-attr]


async def test_build_model_gateway_from_settings_and_close(make_settings: MakeSettings) -> None:
    settings = make_settings(openai_api_key="k", custom_api_url="http://localhost:11434/v1")
    catalog = ModelCatalog.from_settings(settings)
    gateway = build_model_gateway(settings, catalog, RecordingObserver())
    assert gateway.breaker_states() == {}
    await gateway.aclose()


def test_provider_timeout_keeps_a_small_reserve_before_the_deadline() -> None:
    from zen_server.providers.attempt import provider_timeout

    assert provider_timeout(2.0) == pytest.approx(1.9)
    assert provider_timeout(120.0) == pytest.approx(119.5)
    assert provider_timeout(0.5) == pytest.approx(0.45)
    assert provider_timeout(0.01) == 0.0


async def test_hanging_provider_times_out_before_the_deadline_and_opens_the_breaker(
    make_settings: MakeSettings, observer: RecordingObserver
) -> None:
    settings = make_settings(openai_api_key="k1")
    catalog = ModelCatalog.from_settings(settings)

    class HangingProvider(ScriptedProvider):
        async def generate(
            self, request: ModelRequest, target: ResolvedCall, *, timeout: float
        ) -> ModelResponse:
            # What the HTTP client does with a provider that never answers: time out.
            self.calls.append((target, timeout))
            await asyncio.sleep(timeout)
            raise TransientProviderError("read timeout", provider="openai", model=target.model)

    hanging = HangingProvider("openai")
    gateway = ModelGateway(
        catalog,
        {"openai": hanging},
        observer=observer,
        retry=RetryPolicy(max_attempts=1, observer=observer),
        breaker_config=BreakerConfig(min_calls=2, failure_rate=0.5, open_s=30.0),
    )
    for _ in range(2):
        with pytest.raises(TransientProviderError):
            async with deadline_scope(0.3):
                await gateway.generate(ask("gpt-5", allow_fallback=False))
    assert gateway.breaker_states()["openai"] == "open"
    # Each attempt was given less than the deadline, so the provider's timeout fired first.
    assert len(hanging.calls) == 2 and all(0 < timeout < 0.3 for _, timeout in hanging.calls)
    with pytest.raises(CircuitOpenError):
        async with deadline_scope(0.3):
            await gateway.generate(ask("gpt-5", allow_fallback=False))
    assert len(hanging.calls) == 2  # refused by the breaker, not sent to wait out the deadline


async def test_a_model_the_tool_picked_in_auto_mode_falls_back_like_auto(
    gateway_parts: Parts, observer: RecordingObserver
) -> None:
    catalog, providers, _ = gateway_parts
    picked = catalog.pick_auto("chat")
    providers[picked.provider].behaviour = failing(picked.provider, 503)
    request = dataclasses.replace(ask(picked.name), auto_selected=True)
    response = await make_gateway(gateway_parts, observer).generate(request)
    assert response.provider != picked.provider
    assert response.fell_back_from[0] == picked.provider
