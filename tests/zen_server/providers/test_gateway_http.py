"""The gateway as built from settings, over HTTP (respx): wiring, not policy details."""

from __future__ import annotations

from collections.abc import Callable

import respx

from zen_server.config import Settings
from zen_server.observability.events import FallbackTaken, ProviderAttempt, RecordingObserver
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.gateway import build_model_gateway
from zen_server.providers.types import ChatMessage, ModelRequest
from zen_server.resilience.deadline import deadline_scope

MakeSettings = Callable[..., Settings]


@respx.mock
async def test_failing_openai_falls_back_to_openrouter_over_http(make_settings: MakeSettings) -> None:
    settings = make_settings(
        openai_api_key="sk-aaaaaaaaaaaa",
        openai_base_url="https://openai.test/v1",
        openrouter_api_key="sk-or-bbbbbbbbbb",
        openrouter_base_url="https://openrouter.test/api/v1",
        zen_retry_max_attempts=1,
    )
    observer = RecordingObserver()
    gateway = build_model_gateway(settings, ModelCatalog.from_settings(settings), observer)
    openai = respx.post("https://openai.test/v1/chat/completions").respond(
        503, json={"error": {"message": "down"}}
    )
    openrouter = respx.post("https://openrouter.test/api/v1/chat/completions").respond(
        200, json={"choices": [{"message": {"content": "from openrouter"}, "finish_reason": "stop"}]}
    )
    try:
        async with deadline_scope(5):
            response = await gateway.generate(
                ModelRequest(model="gpt5", messages=(ChatMessage("user", "hi"),), tool_name="chat")
            )
    finally:
        await gateway.aclose()
    assert (response.text, response.provider, response.model) == (
        "from openrouter",
        "openrouter",
        "openai/gpt-5",
    )
    assert response.fell_back_from == ("openai",)
    assert openai.call_count == 1 and openrouter.call_count == 1
    statuses = [(e.provider, e.status) for e in observer.of_type(ProviderAttempt)]  # type: ignore[union-attr]
    assert statuses == [("openai", "503"), ("openrouter", "ok")]
    assert len(observer.of_type(FallbackTaken)) == 1
    assert openrouter.calls.last.request.headers["authorization"] == "Bearer sk-or-bbbbbbbbbb"
