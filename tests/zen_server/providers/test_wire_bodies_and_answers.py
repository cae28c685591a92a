"""Request bodies and answer parsing at the edges of the two wire dialects."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable

import pytest

from zen_server.config import Settings
from zen_server.errors import PermanentProviderError, TransientProviderError
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.gemini import GeminiProvider
from zen_server.providers.openai_compatible import OpenAICompatibleProvider, OpenAIEndpoint
from zen_server.providers.types import ChatMessage, ModelRequest, ResolvedCall

MakeSettings = Callable[..., Settings]
PRO = ResolvedCall("gemini", "gemini-2.5-pro", "gemini-2.5-pro")
CUSTOM = ResolvedCall("custom", "llama3.2", "llama3.2")


@pytest.fixture
def gemini_catalog(make_settings: MakeSettings) -> ModelCatalog:
    return ModelCatalog.from_settings(make_settings(gemini_api_key="AIzaTestKey1234567890"))


@pytest.fixture
async def gemini(gemini_catalog: ModelCatalog) -> AsyncIterator[GeminiProvider]:
    catalog = gemini_catalog
    provider = GeminiProvider("AIzaTestKey1234567890", base_url="https://gemini.test", catalog=catalog)
    yield provider
    await provider.aclose()


@pytest.fixture
async def uncatalogued() -> AsyncIterator[OpenAICompatibleProvider]:
    provider = OpenAICompatibleProvider(OpenAIEndpoint("custom", "http://llm.test/v1"))
    yield provider
    await provider.aclose()


async def test_gemini_sends_user_images_inline_from_data_urls(
    gemini: GeminiProvider, gemini_catalog: ModelCatalog
) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    request = ModelRequest(
        model="pro",
        messages=(
            ChatMessage(
                "user",
                "what is this?",
                images=("data:image/jpeg;base64,QUJD", f"data:image/png;base64,{png}"),
            ),
            ChatMessage("assistant", "a cat", images=("data:image/jpeg;base64,SUdOT1JF",)),
        ),
    )
    spec = gemini_catalog.spec_for("gemini", "gemini-2.5-pro")
    assert spec is not None and spec.supports_images
    body = await gemini.build_body(request, spec)
    user_parts = body["contents"][0]["parts"]
    assert user_parts == [
        {"text": "what is this?"},
        {"inlineData": {"mimeType": "image/jpeg", "data": "QUJD"}},
        {"inlineData": {"mimeType": "image/png", "data": png}},
    ]
    assert body["contents"][1]["parts"] == [{"text": "a cat"}]  # images only travel in user turns


@pytest.mark.parametrize("finish", ["SAFETY", "RECITATION"])
def test_gemini_answer_blocked_without_text_is_a_permanent_refusal(
    gemini: GeminiProvider, finish: str
) -> None:
    data = {"candidates": [{"content": {"parts": [{"text": "", "thought": False}]}, "finishReason": finish}]}
    with pytest.raises(PermanentProviderError, match=rf"the answer was blocked \({finish}\)"):
        gemini.parse_answer(data, PRO)


async def test_an_uncatalogued_model_gets_the_requested_output_limit_unchanged(
    uncatalogued: OpenAICompatibleProvider,
) -> None:
    request = ModelRequest(model="llama3.2", messages=(ChatMessage("user", "hi"),), max_output_tokens=123_456)
    body = await uncatalogued.build_body(request, CUSTOM, None)
    assert body["max_tokens"] == 123_456


def test_answer_content_given_as_parts_is_joined_into_one_text(
    uncatalogued: OpenAICompatibleProvider,
) -> None:
    data = {
        "choices": [
            {
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": [{"text": "Hello, "}, "junk", {"text": "world"}]},
            }
        ]
    }
    assert uncatalogued.parse_answer(data, CUSTOM).text == "Hello, world"


def test_gemini_answer_empty_without_a_block_reason_is_transient_and_may_be_retried(
    gemini: GeminiProvider,
) -> None:
    data = {
        "candidates": [
            {"content": {"parts": [{"text": "only a thought", "thought": True}]}, "finishReason": "STOP"}
        ]
    }
    with pytest.raises(TransientProviderError, match=r"the answer is empty \(finishReason='STOP'\)"):
        gemini.parse_answer(data, PRO)
