"""The official openai SDK cannot tell the fake from OpenAI: replies, streams and every fault."""

from __future__ import annotations

import json

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from fakes import expected_marker
from fakes.testing import FakeServer

HISTORY: list[ChatCompletionMessageParam] = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "What is 2+2?"},
    {"role": "assistant", "content": "4"},
    {"role": "user", "content": "And times three?"},
]
CONVERSATION = [(m["role"], str(m["content"])) for m in HISTORY]


def chat(client: openai.OpenAI, model: str = "gpt-5") -> openai.types.chat.ChatCompletion:
    return client.chat.completions.create(model=model, messages=HISTORY)


def stream_text(client: openai.OpenAI, **kwargs: object) -> tuple[str, list[object]]:
    chunks = list(client.chat.completions.create(model="gpt-5", messages=HISTORY, stream=True, **kwargs))  # type: ignore[call-overload]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    return text, chunks


def test_chat_reply_names_model_history_length_and_digest(openai_client: openai.OpenAI) -> None:
    completion = chat(openai_client, "o3")
    content = completion.choices[0].message.content or ""
    assert content.splitlines()[0] == expected_marker("o3", CONVERSATION)
    assert "And times three?" in content
    assert completion.model == "o3"
    assert completion.usage is not None and completion.usage.total_tokens > completion.usage.prompt_tokens > 0


def test_different_history_gives_a_different_digest(openai_client: openai.OpenAI) -> None:
    first = chat(openai_client).choices[0].message.content or ""
    other = openai_client.chat.completions.create(model="gpt-5", messages=HISTORY[:2])
    assert (other.choices[0].message.content or "").splitlines()[0] != first.splitlines()[0]


def test_stream_deltas_add_up_to_the_non_streamed_reply(openai_client: openai.OpenAI) -> None:
    text, chunks = stream_text(openai_client, stream_options={"include_usage": True})
    assert text == chat(openai_client).choices[0].message.content
    assert len(chunks) > 3
    final = chunks[-1]
    assert final.choices == [] and final.usage is not None and final.usage.completion_tokens > 0  # type: ignore[attr-defined]


def test_stream_without_include_usage_sends_no_usage_chunk(openai_client: openai.OpenAI) -> None:
    _, chunks = stream_text(openai_client)
    assert all(c.choices for c in chunks)  # type: ignore[attr-defined]


def test_responses_api_non_streaming_and_streaming(openai_client: openai.OpenAI) -> None:
    response = openai_client.responses.create(
        model="o3-pro", instructions="be brief", input="hello responses"
    )
    assert response.output_text.startswith(
        expected_marker("o3-pro", [("system", "be brief"), ("user", "hello responses")])
    )
    events = list(openai_client.responses.create(model="o3-pro", input="hello responses", stream=True))
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert events[-1].type == "response.completed"
    assert deltas == events[-1].response.output_text


def test_model_list(openai_client: openai.OpenAI, fake_openai: FakeServer) -> None:
    fake_openai.control.patch_behaviour({"listed_models": ["m-one", "m-two"]})
    assert [m.id for m in openai_client.models.list()] == ["m-one", "m-two"]


def test_rate_limit_surfaces_as_ratelimiterror_with_retry_after(
    openai_client: openai.OpenAI, fake_openai: FakeServer
) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "error", "status": 429, "retry_after_s": 7}]})
    with pytest.raises(openai.RateLimitError) as caught:
        chat(openai_client)
    assert caught.value.response.headers["retry-after"] == "7"
    assert caught.value.code == "rate_limit_exceeded"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_surface_as_internalservererror(
    openai_client: openai.OpenAI, fake_openai: FakeServer, status: int
) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "error", "status": status}]})
    with pytest.raises(openai.InternalServerError) as caught:
        chat(openai_client)
    assert caught.value.status_code == status
    assert isinstance(caught.value.body, dict) and caught.value.type == "server_error"


def test_overloaded_surfaces_with_its_status(openai_client: openai.OpenAI, fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "overloaded", "status": 529}]})
    with pytest.raises(openai.APIStatusError) as caught:
        chat(openai_client)
    assert caught.value.status_code == 529 and "overloaded" in caught.value.message


def test_malformed_json_fails_to_parse(openai_client: openai.OpenAI, fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "malformed_json"}]})
    with pytest.raises(json.JSONDecodeError):
        chat(openai_client)
    with pytest.raises(json.JSONDecodeError):
        stream_text(openai_client)


def test_truncated_body_is_a_connection_error_and_truncated_stream_ends_early(
    openai_client: openai.OpenAI, fake_openai: FakeServer
) -> None:
    full = chat(openai_client).choices[0].message.content or ""
    fake_openai.control.set_default({"faults": [{"kind": "truncated", "fraction": 0.5}]})
    with pytest.raises(openai.APIConnectionError):
        chat(openai_client)
    partial, _ = stream_text(openai_client)
    assert full.startswith(partial) and 0 < len(partial) < len(full)


def test_wrong_content_type_is_not_a_chat_completion(
    openai_client: openai.OpenAI, fake_openai: FakeServer
) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "wrong_content_type"}]})
    result = chat(openai_client)
    # The SDK hands back the raw text for a non-JSON content type instead of a completion.
    assert isinstance(result, str) and "<html>" in result


def test_empty_choices(openai_client: openai.OpenAI, fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "empty_choices"}]})
    assert chat(openai_client).choices == []
    assert stream_text(openai_client)[0] == ""


@pytest.mark.parametrize("at", ["start", "mid_stream"])
def test_hang_times_out_in_the_client(openai_client: openai.OpenAI, fake_openai: FakeServer, at: str) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "hang", "at": at}]})
    with pytest.raises(openai.APITimeoutError):
        stream_text(openai_client)
    assert fake_openai.control.stats().by_fault == {"hang": 1}


def test_drop_before_response_and_mid_stream(openai_client: openai.OpenAI, fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "drop"}]})
    with pytest.raises(openai.APIConnectionError) as caught:
        chat(openai_client)
    assert isinstance(caught.value.__cause__, httpx2.RemoteProtocolError)
    with pytest.raises(openai.APIConnectionError):
        stream_text(openai_client)


def test_sdk_retries_are_visible_in_the_stats(fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "error", "status": 500, "max_count": 2}]})
    client = openai.OpenAI(base_url=fake_openai.openai_base_url, api_key="x", max_retries=3, timeout=5)
    content = chat(client).choices[0].message.content or ""
    client.close()
    stats = fake_openai.control.stats()
    assert content.startswith("FAKE-REPLY")
    assert stats.by_status == {"500": 2, "200": 1}
