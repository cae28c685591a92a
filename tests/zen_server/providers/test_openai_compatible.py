from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import respx

from zen_server.config import Settings
from zen_server.errors import FileAccessError, PermanentProviderError, TransientProviderError
from zen_server.providers.catalog import ModelCatalog
from zen_server.providers.factory import endpoint_for
from zen_server.providers.http import attempt_status
from zen_server.providers.openai_compatible import OpenAICompatibleProvider
from zen_server.providers.types import ChatMessage, ModelRequest, ResolvedCall

MakeSettings = Callable[..., Settings]
KEY = "sk-test-openai-key-123456"
URL = "https://api.openai.test/v1/chat/completions"


def ok_body(text: str = "hello") -> dict[str, object]:
    return {
        "choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 3},
    }


def request(**kw: object) -> ModelRequest:
    messages = (ChatMessage("system", "be brief"), ChatMessage("user", "hi"))
    return ModelRequest(model="gpt-5", messages=messages, **kw)  # type: ignore[arg-type]


@pytest.fixture
async def openai(make_settings: MakeSettings) -> AsyncIterator[OpenAICompatibleProvider]:
    settings = make_settings(openai_api_key=KEY, openai_base_url="https://api.openai.test/v1")
    provider = OpenAICompatibleProvider(
        endpoint_for("openai", settings), catalog=ModelCatalog.from_settings(settings)
    )
    yield provider
    await provider.aclose()


GPT5 = ResolvedCall("openai", "gpt-5", "gpt-5")
GPT41 = ResolvedCall("openai", "gpt-4.1", "gpt-4.1")


@respx.mock
async def test_posts_chat_completion_and_parses_answer(openai: OpenAICompatibleProvider) -> None:
    route = respx.post(URL).respond(200, json=ok_body())
    response = await openai.generate(request(temperature=0.3), GPT41, timeout=5)
    assert (response.text, response.provider, response.model) == ("hello", "openai", "gpt-4.1")
    assert (response.usage.input_tokens, response.usage.output_tokens) == (11, 3)
    sent = route.calls.last.request
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    body = json.loads(sent.content)
    assert body["model"] == "gpt-4.1" and body["temperature"] == 0.3 and body["stream"] is False
    assert body["messages"][0] == {"role": "system", "content": "be brief"}


@respx.mock
async def test_reasoning_model_gets_no_temperature_but_reasoning_effort(
    openai: OpenAICompatibleProvider,
) -> None:
    route = respx.post(URL).respond(200, json=ok_body())
    await openai.generate(
        request(temperature=0.7, thinking_mode="max", max_output_tokens=500), GPT5, timeout=5
    )
    body = json.loads(route.calls.last.request.content)
    assert "temperature" not in body
    assert body["reasoning_effort"] == "high"
    assert body["max_completion_tokens"] == 500


@pytest.mark.parametrize(
    ("status", "headers", "body", "retry_after"),
    [
        (429, {"retry-after": "7"}, {"error": {"message": "slow down"}}, 7.0),
        (429, {"retry-after-ms": "1500"}, {}, 1.5),
        (429, {}, {"error": {"message": "Rate limit. Please try again in 20s."}}, 20.0),
        (503, {}, {"error": {"message": "unavailable"}}, None),
        (500, {}, {}, None),
        (502, {}, {}, None),
        (504, {}, {}, None),
        (529, {}, {"error": {"type": "overloaded_error"}}, None),
    ],
)
@respx.mock
async def test_retryable_statuses_map_to_transient_with_retry_after(
    openai: OpenAICompatibleProvider,
    status: int,
    headers: dict[str, str],
    body: dict[str, object],
    retry_after: float | None,
) -> None:
    respx.post(URL).respond(status, json=body, headers=headers)
    with pytest.raises(TransientProviderError) as info:
        await openai.generate(request(), GPT5, timeout=5)
    assert info.value.status == status
    assert info.value.retry_after == retry_after
    assert "openai model gpt-5" in str(info.value)


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (400, {"error": {"message": "bad", "code": "context_length_exceeded"}}, "too long"),
        (400, {"error": {"message": "flagged", "code": "content_policy_violation"}}, "refused"),
        (401, {"error": {"message": f"Incorrect API key provided: {KEY}"}}, "API key"),
        (403, {"error": {"message": "no"}}, "permission"),
        (404, {"error": {"message": "The model `gpt-9` does not exist"}}, "not found"),
        (429, {"error": {"message": "quota", "code": "insufficient_quota"}}, "quota"),
    ],
)
@respx.mock
async def test_client_errors_map_to_permanent_without_leaking_key(
    openai: OpenAICompatibleProvider, status: int, body: dict[str, object], words: str
) -> None:
    respx.post(URL).respond(status, json=body)
    with pytest.raises(PermanentProviderError) as info:
        await openai.generate(request(), GPT5, timeout=5)
    assert words in str(info.value)
    assert KEY not in str(info.value)
    assert info.value.provider == "openai" and info.value.model == "gpt-5"


@pytest.mark.parametrize(
    ("response", "status"),
    [
        (
            httpx.Response(200, text="<html>proxy error</html>", headers={"content-type": "text/html"}),
            "malformed",
        ),
        (
            httpx.Response(200, text='{"choices": [', headers={"content-type": "application/json"}),
            "malformed",
        ),
        (httpx.Response(200, json={"choices": []}), "TransientProviderError"),
        (httpx.Response(200, json={"choices": [{"message": {"content": ""}}]}), "TransientProviderError"),
    ],
)
@respx.mock
async def test_malformed_or_empty_answers_are_transient(
    openai: OpenAICompatibleProvider, response: httpx.Response, status: str
) -> None:
    respx.post(URL).mock(return_value=response)
    with pytest.raises(TransientProviderError) as info:
        await openai.generate(request(), GPT5, timeout=5)
    assert attempt_status(info.value) == status


@respx.mock
async def test_content_filter_finish_is_permanent(openai: OpenAICompatibleProvider) -> None:
    respx.post(URL).respond(
        200, json={"choices": [{"message": {"content": None}, "finish_reason": "content_filter"}]}
    )
    with pytest.raises(PermanentProviderError, match="refused"):
        await openai.generate(request(), GPT5, timeout=5)


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (httpx.ConnectError("refused"), "connect_error"),
        (httpx.ConnectTimeout("slow"), "connect_error"),
        (httpx.ReadTimeout("slow"), "timeout"),
        (httpx.RemoteProtocolError("peer closed"), "malformed"),
    ],
)
@respx.mock
async def test_transport_failures_are_transient(
    openai: OpenAICompatibleProvider, exc: Exception, status: str
) -> None:
    respx.post(URL).mock(side_effect=exc)
    with pytest.raises(TransientProviderError) as info:
        await openai.generate(request(), GPT5, timeout=5)
    assert attempt_status(info.value) == status


@respx.mock
async def test_read_timeout_is_bounded_by_the_call_timeout(openai: OpenAICompatibleProvider) -> None:
    route = respx.post(URL).respond(200, json=ok_body())
    await openai.generate(request(), GPT5, timeout=2.5)
    timeouts = route.calls.last.request.extensions["timeout"]
    assert timeouts["read"] == 2.5 and timeouts["connect"] == 2.5


@respx.mock
async def test_azure_uses_deployment_path_api_key_header_and_api_version(make_settings: MakeSettings) -> None:
    settings = make_settings(
        azure_openai_api_key="az-key", azure_openai_endpoint="https://res.openai.azure.test"
    )
    provider = OpenAICompatibleProvider(endpoint_for("azure", settings))
    route = respx.post("https://res.openai.azure.test/openai/deployments/my-gpt5/chat/completions").respond(
        200, json=ok_body()
    )
    try:
        await provider.generate(request(), ResolvedCall("azure", "gpt-5", "my-gpt5"), timeout=5)
    finally:
        await provider.aclose()
    sent = route.calls.last.request
    assert sent.headers["api-key"] == "az-key" and "authorization" not in sent.headers
    assert sent.url.params["api-version"] == settings.azure_openai_api_version


@respx.mock
async def test_custom_endpoint_without_key_sends_no_authorization(make_settings: MakeSettings) -> None:
    settings = make_settings(custom_api_url="http://localhost:11434/v1")
    provider = OpenAICompatibleProvider(endpoint_for("custom", settings))
    route = respx.post("http://localhost:11434/v1/chat/completions").respond(200, json=ok_body("local"))
    try:
        response = await provider.generate(
            request(), ResolvedCall("custom", "llama3.2", "llama3.2"), timeout=5
        )
    finally:
        await provider.aclose()
    assert response.text == "local" and response.provider == "custom"
    assert "authorization" not in route.calls.last.request.headers


@respx.mock
async def test_images_are_sent_as_data_url_parts(openai: OpenAICompatibleProvider) -> None:
    route = respx.post(URL).respond(200, json=ok_body())
    image = "data:image/png;base64,iVBORw0KGgo="
    req = ModelRequest(model="gpt-5", messages=(ChatMessage("user", "look", images=(image,)),))
    await openai.generate(req, GPT5, timeout=5)
    content = json.loads(route.calls.last.request.content)["messages"][0]["content"]
    assert content[0] == {"type": "text", "text": "look"}
    assert content[1]["image_url"]["url"] == image


async def test_a_provider_never_opens_an_image_path(
    openai: OpenAICompatibleProvider, tmp_path: object
) -> None:
    # Tools load images under the file policy; a path reaching a provider is a bug, never read.
    route = respx.post(URL).respond(200, json=ok_body())
    req = ModelRequest(model="gpt-5", messages=(ChatMessage("user", "look", images=("/etc/hostname",)),))
    with pytest.raises(FileAccessError, match="server bug"):
        await openai.generate(req, GPT5, timeout=5)
    assert not route.called


def test_scrub_leaves_text_alone_for_a_short_dummy_key_but_removes_real_keys() -> None:
    from zen_server.providers.http import scrub

    message = "the fake could not process your request (key sk-live-1234567890abcdef)"
    assert scrub(message, ["k"]).startswith("the fake could not process")
    scrubbed = scrub("token=secret-value-42 failed", ["secret-value-42"])
    assert "secret-value-42" not in scrubbed and "[redacted]" in scrubbed
