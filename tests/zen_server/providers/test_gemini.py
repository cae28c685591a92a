from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import pytest
import respx

from zen_server.config import Settings
from zen_server.errors import PermanentProviderError, TransientProviderError
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.gemini import GeminiProvider
from zen_server.providers.types import ChatMessage, ModelRequest, ResolvedCall

MakeSettings = Callable[..., Settings]
KEY = "AIzaTestKey1234567890"
BASE = "https://gemini.test"
PRO = ResolvedCall("gemini", "gemini-2.5-pro", "gemini-2.5-pro")
URL = f"{BASE}/v1beta/models/gemini-2.5-pro:generateContent"


@pytest.fixture
async def gemini(make_settings: MakeSettings) -> AsyncIterator[GeminiProvider]:
    catalog = ModelCatalog.from_settings(make_settings(gemini_api_key=KEY))
    provider = GeminiProvider(KEY, base_url=BASE, catalog=catalog)
    yield provider
    await provider.aclose()


def answer(text: str = "gemini says hi", finish: str = "STOP") -> dict[str, object]:
    return {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [{"text": "thinking...", "thought": True}, {"text": text}],
                },
                "finishReason": finish,
            }
        ],
        "usageMetadata": {"promptTokenCount": 20, "candidatesTokenCount": 5},
    }


@respx.mock
async def test_generate_content_request_shape_and_answer(gemini: GeminiProvider) -> None:
    route = respx.post(URL).respond(200, json=answer())
    req = ModelRequest(
        model="pro",
        messages=(
            ChatMessage("system", "you review code"),
            ChatMessage("user", "q1"),
            ChatMessage("assistant", "a1"),
            ChatMessage("user", "q2"),
        ),
        temperature=0.2,
        thinking_mode="medium",
        max_output_tokens=1000,
    )
    response = await gemini.generate(req, PRO, timeout=5)
    assert response.text == "gemini says hi"  # thought parts dropped
    assert (response.usage.input_tokens, response.usage.output_tokens) == (20, 5)
    sent = route.calls.last.request
    assert sent.headers["x-goog-api-key"] == KEY and KEY not in str(sent.url)
    body = json.loads(sent.content)
    assert body["systemInstruction"] == {"parts": [{"text": "you review code"}]}
    assert [c["role"] for c in body["contents"]] == ["user", "model", "user"]
    config = body["generationConfig"]
    assert config["temperature"] == 0.2 and config["maxOutputTokens"] == 1000
    assert config["thinkingConfig"]["thinkingBudget"] == int(32768 * 0.33)


@respx.mock
async def test_rate_limit_reads_google_retry_delay(gemini: GeminiProvider) -> None:
    body = {
        "error": {
            "code": 429,
            "status": "RESOURCE_EXHAUSTED",
            "message": "quota exceeded for metric",
            "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "31s"}],
        }
    }
    respx.post(URL).respond(429, json=body)
    with pytest.raises(TransientProviderError) as info:
        await gemini.generate(ModelRequest(model="pro", messages=(ChatMessage("user", "x"),)), PRO, timeout=5)
    assert info.value.retry_after == 31.0


@respx.mock
async def test_blocked_prompt_is_permanent(gemini: GeminiProvider) -> None:
    respx.post(URL).respond(200, json={"promptFeedback": {"blockReason": "SAFETY"}})
    with pytest.raises(PermanentProviderError, match="blocked"):
        await gemini.generate(ModelRequest(model="pro", messages=(ChatMessage("user", "x"),)), PRO, timeout=5)


@respx.mock
async def test_safety_stopped_candidate_is_permanent(gemini: GeminiProvider) -> None:
    respx.post(URL).respond(200, json={"candidates": [{"finishReason": "SAFETY"}]})
    with pytest.raises(PermanentProviderError, match="SAFETY"):
        await gemini.generate(ModelRequest(model="pro", messages=(ChatMessage("user", "x"),)), PRO, timeout=5)


@respx.mock
async def test_no_candidates_is_transient(gemini: GeminiProvider) -> None:
    respx.post(URL).respond(200, json={"candidates": []})
    with pytest.raises(TransientProviderError, match="no candidates"):
        await gemini.generate(ModelRequest(model="pro", messages=(ChatMessage("user", "x"),)), PRO, timeout=5)


@respx.mock
async def test_invalid_key_is_permanent_and_never_echoes_key(gemini: GeminiProvider) -> None:
    respx.post(URL).respond(
        400,
        json={"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": f"API key not valid: {KEY}"}},
    )
    with pytest.raises(PermanentProviderError) as info:
        await gemini.generate(ModelRequest(model="pro", messages=(ChatMessage("user", "x"),)), PRO, timeout=5)
    assert KEY not in str(info.value)
