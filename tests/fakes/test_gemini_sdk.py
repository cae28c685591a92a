"""The official google-genai SDK against the Gemini fake: replies, streams and every fault."""

from __future__ import annotations

import json

import httpx2
import pytest
from google import genai
from google.genai import errors, types

from fakes import expected_marker
from fakes.testing import FakeServer

MODEL = "gemini-2.5-flash"
CONTENTS = [
    types.Content(role="user", parts=[types.Part(text="Name a colour.")]),
    types.Content(role="model", parts=[types.Part(text="Blue.")]),
    types.Content(role="user", parts=[types.Part(text="Another one?")]),
]
CONFIG = types.GenerateContentConfig(system_instruction="Answer in one word.")
CONVERSATION = [
    ("system", "Answer in one word."),
    ("user", "Name a colour."),
    ("assistant", "Blue."),
    ("user", "Another one?"),
]


def generate(client: genai.Client) -> types.GenerateContentResponse:
    return client.models.generate_content(model=MODEL, contents=CONTENTS, config=CONFIG)


def stream_text(client: genai.Client) -> str:
    chunks = client.models.generate_content_stream(model=MODEL, contents=CONTENTS, config=CONFIG)
    return "".join(chunk.text or "" for chunk in chunks)


def set_fault(fake: FakeServer, **fault: object) -> None:
    fake.control.set_default({"faults": [fault]})


def test_reply_carries_the_marker_of_the_whole_history(gemini_client: genai.Client) -> None:
    response = generate(gemini_client)
    assert (response.text or "").splitlines()[0] == expected_marker(MODEL, CONVERSATION)
    usage = response.usage_metadata
    assert usage is not None and usage.total_token_count == (usage.prompt_token_count or 0) + (
        usage.candidates_token_count or 0
    )


def test_stream_adds_up_to_the_non_streamed_reply(
    gemini_client: genai.Client, fake_gemini: FakeServer
) -> None:
    assert stream_text(gemini_client) == generate(gemini_client).text
    recent = fake_gemini.control.stats(bodies=2).recent
    assert [r["path"].rsplit(":", 1)[1] for r in recent] == ["streamGenerateContent", "generateContent"]
    assert (
        recent[0]["stream"] is True and recent[0]["body"]["contents"][2]["parts"][0]["text"] == "Another one?"
    )


def test_model_list(gemini_client: genai.Client) -> None:
    names = [model.name for model in gemini_client.models.list()]
    assert f"models/{MODEL}" in names


def test_rate_limit_is_a_client_error_with_retry_info(
    gemini_client: genai.Client, fake_gemini: FakeServer
) -> None:
    set_fault(fake_gemini, kind="error", status=429, retry_after_s=3)
    with pytest.raises(errors.ClientError) as caught:
        generate(gemini_client)
    assert caught.value.code == 429 and caught.value.status == "RESOURCE_EXHAUSTED"
    assert caught.value.details["error"]["details"][0]["retryDelay"] == "3s"


@pytest.mark.parametrize(("status", "name"), [(500, "INTERNAL"), (502, "UNAVAILABLE"), (503, "UNAVAILABLE")])
def test_server_errors_are_server_errors(
    gemini_client: genai.Client, fake_gemini: FakeServer, status: int, name: str
) -> None:
    set_fault(fake_gemini, kind="error", status=status)
    with pytest.raises(errors.ServerError) as caught:
        stream_text(gemini_client)
    assert (caught.value.code, caught.value.status) == (status, name)


def test_overloaded(gemini_client: genai.Client, fake_gemini: FakeServer) -> None:
    set_fault(fake_gemini, kind="overloaded")
    with pytest.raises(errors.ServerError) as caught:
        generate(gemini_client)
    assert caught.value.code == 503 and "overloaded" in (caught.value.message or "")


def test_malformed_json(gemini_client: genai.Client, fake_gemini: FakeServer) -> None:
    set_fault(fake_gemini, kind="malformed_json")
    with pytest.raises(json.JSONDecodeError):
        generate(gemini_client)
    with pytest.raises(errors.UnknownApiResponseError):
        stream_text(gemini_client)


def test_wrong_content_type(gemini_client: genai.Client, fake_gemini: FakeServer) -> None:
    set_fault(fake_gemini, kind="wrong_content_type")
    with pytest.raises(errors.UnknownApiResponseError, match="502 Bad Gateway"):
        stream_text(gemini_client)


def test_truncated(gemini_client: genai.Client, fake_gemini: FakeServer) -> None:
    full = generate(gemini_client).text or ""
    set_fault(fake_gemini, kind="truncated")
    with pytest.raises(httpx2.RemoteProtocolError):
        generate(gemini_client)
    partial = stream_text(gemini_client)
    assert full.startswith(partial) and len(partial) < len(full)


def test_empty_candidates(gemini_client: genai.Client, fake_gemini: FakeServer) -> None:
    set_fault(fake_gemini, kind="empty_choices")
    response = generate(gemini_client)
    assert response.candidates == [] and response.text is None


def test_hang_and_drop(gemini_client: genai.Client, fake_gemini: FakeServer) -> None:
    set_fault(fake_gemini, kind="hang")
    with pytest.raises(httpx2.ReadTimeout):
        generate(gemini_client)
    set_fault(fake_gemini, kind="drop")
    with pytest.raises(httpx2.RemoteProtocolError):
        stream_text(gemini_client)
    assert fake_gemini.control.stats().by_fault == {"hang": 1, "drop": 1}


async def test_async_client_streams_too(gemini_client: genai.Client) -> None:
    pieces = [
        chunk.text
        async for chunk in await gemini_client.aio.models.generate_content_stream(model=MODEL, contents="hi")
    ]
    assert "".join(p or "" for p in pieces).startswith(expected_marker(MODEL, [("user", "hi")]))
