"""The Responses API for the models the catalog marks with it, against the real fake OpenAI server.

The fake answers /v1/responses as the API does (the official SDK's own test is in
tests/fakes/test_openai_sdk.py); its reply names the conversation it received, so each test
checks exactly what the provider sent.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import respx

from fakes import expected_marker
from fakes.testing import FakeServer
from zen_server.config import Settings
from zen_server.errors import PermanentProviderError, TransientProviderError
from zen_server.providers.catalog import ModelCatalog, ModelSpec, load_builtin_specs
from zen_server.providers.factory import endpoint_for
from zen_server.providers.openai_compatible import OpenAICompatibleProvider, OpenAIEndpoint
from zen_server.providers.openai_responses import parse_responses_answer
from zen_server.providers.types import ChatMessage, ModelRequest, ResolvedCall

MakeSettings = Callable[..., Settings]
MESSAGES = (ChatMessage("system", "be brief"), ChatMessage("user", "first"), ChatMessage("assistant", "ok"),
            ChatMessage("user", "and now?"))  # fmt: skip
CONVERSATION = [("system", "be brief"), ("user", "first"), ("assistant", "ok"), ("user", "and now?")]


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    with FakeServer("openai", seed=5) as server:
        yield server


@pytest.fixture
async def openai(make_settings: MakeSettings, fake: FakeServer) -> AsyncIterator[OpenAICompatibleProvider]:
    settings = make_settings(openai_api_key="sk-responses-test-key", openai_base_url=fake.openai_base_url)
    provider = OpenAICompatibleProvider(
        endpoint_for("openai", settings), catalog=ModelCatalog.from_settings(settings)
    )
    yield provider
    await provider.aclose()


def target(model: str) -> ResolvedCall:
    return ResolvedCall("openai", model, model)


def last_call(fake: FakeServer) -> dict[str, Any]:
    return dict(fake.control.stats(bodies=1).recent[-1])


def test_the_catalog_marks_the_models_upstream_serves_through_responses() -> None:
    marked = {s.name for s in load_builtin_specs() if s.use_responses_api}
    assert {"o3-pro", "gpt-5.2-pro", "gpt-5.3-codex", "openai/gpt-5.3-codex"} <= marked
    assert not {"gpt-5", "o3", "gpt-4.1", "gemini-2.5-pro"} & marked


async def test_a_marked_model_is_asked_through_responses_with_instructions_and_items(
    openai: OpenAICompatibleProvider, fake: FakeServer
) -> None:
    request = ModelRequest(model="o3-pro", messages=MESSAGES, thinking_mode="max", max_output_tokens=500_000,
                           temperature=0.4)  # fmt: skip
    response = await openai.generate(request, target("o3-pro"), timeout=10)
    assert response.text.startswith(expected_marker("o3-pro", CONVERSATION))
    assert (
        response.finish_reason == "stop"
        and response.usage.input_tokens > 0
        and response.usage.output_tokens > 0
    )
    call = last_call(fake)
    assert call["path"] == "/v1/responses"
    body = call["body"]
    assert body["instructions"] == "be brief" and body["store"] is False
    assert body["input"] == [
        {"role": "user", "content": [{"type": "input_text", "text": "first"}]},
        {"role": "assistant", "content": [{"type": "output_text", "text": "ok"}]},
        {"role": "user", "content": [{"type": "input_text", "text": "and now?"}]},
    ]
    assert body["reasoning"] == {"effort": "high"}  # "max" has nothing above high
    assert body["max_output_tokens"] == 100_000  # o3-pro's limit
    assert "temperature" not in body  # o3-pro takes none


async def test_the_models_default_effort_applies_when_no_thinking_mode_is_asked(
    openai: OpenAICompatibleProvider, fake: FakeServer
) -> None:
    request = ModelRequest(model="gpt-5.6-terra", messages=MESSAGES[-1:])
    await openai.generate(request, target("gpt-5.6-terra"), timeout=10)
    assert last_call(fake)["body"]["reasoning"] == {"effort": "medium"}
    await openai.generate(ModelRequest(model="o3-pro", messages=MESSAGES[-1:]), target("o3-pro"), timeout=10)
    assert "reasoning" not in last_call(fake)["body"]


async def test_images_go_as_input_image_parts(openai: OpenAICompatibleProvider, fake: FakeServer) -> None:
    # Tools hand providers images already read under the file policy, as data URLs.
    encoded = base64.b64encode(b"\x89PNG fake").decode()
    message = ChatMessage("user", "look", images=("data:image/png;base64," + encoded,))
    await openai.generate(ModelRequest(model="o3-pro", messages=(message,)), target("o3-pro"), timeout=10)
    parts = last_call(fake)["body"]["input"][0]["content"]
    assert parts[1] == {"type": "input_image", "image_url": "data:image/png;base64," + encoded}


async def test_other_models_keep_chat_completions(openai: OpenAICompatibleProvider, fake: FakeServer) -> None:
    await openai.generate(ModelRequest(model="gpt-5", messages=MESSAGES), target("gpt-5"), timeout=10)
    assert last_call(fake)["path"] == "/v1/chat/completions"


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        ({"kind": "error", "status": 503}, TransientProviderError, "HTTP 503"),
        ({"kind": "error", "status": 400}, PermanentProviderError, "HTTP 400"),
        ({"kind": "malformed_json"}, TransientProviderError, "not valid JSON"),
        ({"kind": "empty_choices"}, TransientProviderError, "the answer is empty"),
    ],
)
async def test_responses_faults_are_classified(
    openai: OpenAICompatibleProvider, fake: FakeServer, fault: dict[str, Any], error: type, message: str
) -> None:
    fake.control.set_model("o3-pro", {"faults": [fault]})
    with pytest.raises(error, match=message):
        await openai.generate(ModelRequest(model="o3-pro", messages=MESSAGES), target("o3-pro"), timeout=10)


def answer(**fields: Any) -> dict[str, Any]:
    return {"status": "completed", "output": [], **fields}


def message(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"type": "message", "role": "assistant", "content": list(parts)}


def test_the_answer_is_the_text_of_the_message_items_only() -> None:
    data = answer(
        output=[{"type": "reasoning", "summary": []}, message({"type": "output_text", "text": "a"}),
                message({"type": "output_text", "text": "b"})],
        usage={"input_tokens": 3, "output_tokens": 2},
    )  # fmt: skip
    response = parse_responses_answer("openai", data, target("o3-pro"))
    assert (response.text, response.usage.input_tokens, response.usage.output_tokens) == ("ab", 3, 2)


def test_a_cut_answer_says_length_and_refusals_are_permanent() -> None:
    cut = answer(status="incomplete", incomplete_details={"reason": "max_output_tokens"},
                 output=[message({"type": "output_text", "text": "partial"})])  # fmt: skip
    assert parse_responses_answer("openai", cut, target("o3-pro")).finish_reason == "length"
    with pytest.raises(PermanentProviderError, match="refused to answer"):
        parse_responses_answer(
            "openai", answer(output=[message({"type": "refusal", "refusal": "no"})]), target("x")
        )
    filtered = answer(status="incomplete", incomplete_details={"reason": "content_filter"})
    with pytest.raises(PermanentProviderError, match="content_filter"):
        parse_responses_answer("openai", filtered, target("x"))


def test_a_failed_response_is_transient_with_its_reason() -> None:
    failed = answer(status="failed", error={"code": "server_error", "message": "try later"})
    with pytest.raises(TransientProviderError, match="the response failed \\(try later\\)"):
        parse_responses_answer("openai", failed, target("x"))


@respx.mock
async def test_deployment_routed_apis_keep_chat_completions_for_marked_models() -> None:
    spec = ModelSpec(name="o3-pro", provider="azure", use_responses_api=True)
    endpoint = OpenAIEndpoint("azure", "https://az.test", "k", auth_header="api-key", deployments=True)
    url = "https://az.test/openai/deployments/o3-pro/chat/completions"
    route = respx.post(url).respond(
        200, json={"choices": [{"message": {"content": "hi"}, "finish_reason": "stop"}]}
    )
    provider = OpenAICompatibleProvider(endpoint, catalog=ModelCatalog([spec], frozenset({"azure"})))
    try:
        response = await provider.generate(
            ModelRequest(model="o3-pro", messages=MESSAGES), target("o3-pro"), timeout=5
        )
    finally:
        await provider.aclose()
    assert response.text == "hi" and "messages" in json.loads(route.calls.last.request.content)
