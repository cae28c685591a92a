"""The gateway stops early when nothing can succeed: no client, no time left, rate limit over the deadline."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from zen_server.config import Settings
from zen_server.errors import TransientProviderError
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.gateway import ModelGateway
from zen_server.providers.types import ChatMessage, ModelRequest, ModelResponse, ResolvedCall
from zen_server.resilience.deadline import deadline_scope
from zen_server.resilience.ratelimit import RateLimiter
from zen_server.resilience.retry import RetryPolicy

MakeSettings = Callable[..., Settings]


class _Provider:
    def __init__(self, name: str, *, fail_after_s: float | None = None) -> None:
        self._name = name
        self._fail_after_s = fail_after_s
        self.calls: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    async def generate(self, request: ModelRequest, target: ResolvedCall, *, timeout: float) -> ModelResponse:
        self.calls.append(target.model)
        if self._fail_after_s is not None:
            # Blocking on purpose: the failure arrives only after the deadline passed, with no await
            # in between for the deadline to cancel it first.
            time.sleep(self._fail_after_s)  # noqa: ASYNC251
            raise TransientProviderError("503", provider=self._name, model=target.model, status=503)
        return ModelResponse(text="ok", provider=self._name, model=target.model)

    async def aclose(self) -> None:
        return None


def _ask(model: str, *, allow_fallback: bool = True) -> ModelRequest:
    return ModelRequest(
        model=model, messages=(ChatMessage("user", "hi"),), tool_name="chat", allow_fallback=allow_fallback
    )


def _model_of(catalog: ModelCatalog, provider: str) -> str:
    return next(s.name for s in catalog.available() if s.provider == provider)


@pytest.fixture
def catalog(make_settings: MakeSettings) -> ModelCatalog:
    return ModelCatalog.from_settings(make_settings(openai_api_key="k1", gemini_api_key="k2"))


async def test_a_model_whose_provider_has_no_running_client_fails_saying_so(catalog: ModelCatalog) -> None:
    gemini = _Provider("gemini")
    gateway = ModelGateway(catalog, {"gemini": gemini})
    with pytest.raises(TransientProviderError, match="no client is running for provider openai"):
        await gateway.generate(_ask(_model_of(catalog, "openai"), allow_fallback=False))
    assert gemini.calls == []


async def test_no_fallback_is_tried_once_the_deadline_is_used_up(catalog: ModelCatalog) -> None:
    # Whichever the chain tries first fails only after the deadline passed; the other would too.
    openai = _Provider("openai", fail_after_s=0.06)
    gemini = _Provider("gemini", fail_after_s=0.06)
    gateway = ModelGateway(catalog, {"openai": openai, "gemini": gemini}, retry=RetryPolicy(max_attempts=1))
    with pytest.raises(TransientProviderError, match="503"):
        await gateway.generate(_ask("auto"))
    assert (len(openai.calls), len(gemini.calls)) == (1, 1)  # with time left, the fallback is tried
    openai.calls.clear()
    gemini.calls.clear()
    with pytest.raises(TransientProviderError, match="503"):
        async with deadline_scope(0.05):
            await gateway.generate(_ask("auto"))
    assert len(openai.calls) + len(gemini.calls) == 1


async def test_a_rate_limit_wait_longer_than_the_deadline_fails_fast_without_calling(
    catalog: ModelCatalog,
) -> None:
    openai = _Provider("openai")
    model = _model_of(catalog, "openai")
    gateway = ModelGateway(
        catalog, {"openai": openai}, rate_limits={"openai": 1.0}, retry=RetryPolicy(max_attempts=1)
    )
    await gateway.generate(_ask(model, allow_fallback=False))
    with pytest.raises(TransientProviderError, match="would outlast the deadline"):
        async with deadline_scope(0.2):
            await gateway.generate(_ask(model, allow_fallback=False))
    assert openai.calls == [model]


@pytest.mark.parametrize("rate", [0.0, -1.0])
def test_a_rate_limit_must_be_positive(rate: float) -> None:
    with pytest.raises(ValueError, match="rate must be positive"):
        RateLimiter("openai", rate)
