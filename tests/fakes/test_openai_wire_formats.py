"""The OpenAI fake over raw HTTP: how requests are read, Responses API shapes, empty replies, errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from fakes import expected_marker
from fakes.testing import FakeServer

MODEL = "gpt-5"


def post(fake: FakeServer, path: str, body: Any) -> httpx.Response:
    return httpx.post(f"{fake.openai_base_url}/{path}", json=body, timeout=5)


def sse_payloads(response: httpx.Response) -> list[Any]:
    """The `data:` payloads of an SSE body, `[DONE]` kept as the string."""
    payloads: list[Any] = []
    for line in response.text.splitlines():
        if line.startswith("data: "):
            data = line.removeprefix("data: ")
            payloads.append(data if data == "[DONE]" else json.loads(data))
    return payloads


def reply_of_chat(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    content: str = response.json()["choices"][0]["message"]["content"]
    return content


def test_chat_content_forms_are_read_as_text(fake_openai: FakeServer) -> None:
    messages = [
        {"role": "system", "content": None},
        {"role": "user", "content": [{"type": "text", "text": "a"}, "skipped", {"type": "image_url"}]},
        {"role": "user", "content": [{"type": "text", "text": "b"}, {"type": "text", "text": 7}]},
    ]
    reply = reply_of_chat(post(fake_openai, "chat/completions", {"model": MODEL, "messages": messages}))
    conversation = [("system", ""), ("user", "a\n"), ("user", "b")]
    assert reply.startswith(expected_marker(MODEL, conversation))


@pytest.mark.parametrize(
    ("path", "body", "named"),
    [
        ("chat/completions", [1, 2], "JSON object"),
        ("chat/completions", {"messages": [{"role": "user", "content": "x"}]}, "'model' is required"),
        ("chat/completions", {"model": "", "messages": [{"role": "user", "content": "x"}]}, "'model'"),
        ("chat/completions", {"model": MODEL, "messages": ["hi"]}, "string 'role'"),
        ("chat/completions", {"model": MODEL, "messages": [{"content": "x"}]}, "string 'role'"),
        ("chat/completions", {"model": MODEL, "messages": [{"role": "user", "content": 5}]}, "content"),
        ("responses", {"model": MODEL}, "'input'"),
        ("responses", {"model": MODEL, "input": []}, "'input'"),
        ("responses", {"model": MODEL, "input": ["text"]}, "input item must be an object"),
    ],
)
def test_malformed_requests_get_400_in_openai_error_shape(
    fake_openai: FakeServer, path: str, body: Any, named: str
) -> None:
    response = post(fake_openai, path, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert named in error["message"]
    assert (error["type"], error["param"], error["code"]) == ("invalid_request_error", None, None)


def test_responses_input_string_with_instructions(fake_openai: FakeServer) -> None:
    body = {"model": MODEL, "instructions": "Be brief.", "input": "Hello"}
    response = post(fake_openai, "responses", body)
    assert response.status_code == 200
    payload = response.json()
    assert payload["object"] == "response" and payload["status"] == "completed"
    assert payload["id"].startswith("resp_") and payload["model"] == MODEL
    [message] = payload["output"]
    assert message["role"] == "assistant" and message["id"].startswith("msg_")
    text = message["content"][0]["text"]
    assert text.startswith(expected_marker(MODEL, [("system", "Be brief."), ("user", "Hello")]))
    usage = payload["usage"]
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"] > 0


def test_responses_input_items_default_to_user_role(fake_openai: FakeServer) -> None:
    items = [
        {"content": "first"},
        {"role": "assistant", "content": [{"type": "output_text", "text": "second"}]},
        {"role": "user", "content": "third"},
    ]
    response = post(fake_openai, "responses", {"model": MODEL, "instructions": "", "input": items})
    text = response.json()["output"][0]["content"][0]["text"]
    conversation = [("user", "first"), ("assistant", "second"), ("user", "third")]
    assert text.startswith(expected_marker(MODEL, conversation))


def test_responses_stream_event_sequence(fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"stream": {"chunks": 3}})
    response = post(fake_openai, "responses", {"model": MODEL, "input": "hi", "stream": True})
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [
        line.removeprefix("event: ") for line in response.text.splitlines() if line.startswith("event:")
    ]
    assert events == [
        "response.created",
        *["response.output_text.delta"] * 3,
        "response.output_text.done",
        "response.completed",
    ]
    payloads = sse_payloads(response)
    assert [p["sequence_number"] for p in payloads] == list(range(len(payloads)))
    assert payloads[0]["response"]["status"] == "in_progress" and payloads[0]["response"]["output"] == []
    deltas = "".join(p["delta"] for p in payloads if p["type"] == "response.output_text.delta")
    assert payloads[-2]["text"] == deltas
    assert payloads[-1]["response"]["output"][0]["content"][0]["text"] == deltas
    assert deltas.startswith(expected_marker(MODEL, [("user", "hi")]))


def test_responses_empty_reply_has_no_output(fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "empty_choices"}]})
    plain = post(fake_openai, "responses", {"model": MODEL, "input": "hi"})
    assert plain.status_code == 200 and plain.json()["output"] == []
    streamed = post(fake_openai, "responses", {"model": MODEL, "input": "hi", "stream": True})
    types = [p["type"] for p in sse_payloads(streamed)]
    assert types == ["response.created", "response.completed"]
    assert sse_payloads(streamed)[-1]["response"]["output"] == []


def test_chat_stream_empty_reply_is_one_chunk_without_choices(fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "empty_choices"}]})
    body = {"model": MODEL, "messages": [{"role": "user", "content": "x"}], "stream": True}
    payloads = sse_payloads(post(fake_openai, "chat/completions", body))
    assert len(payloads) == 2 and payloads[1] == "[DONE]"
    assert payloads[0]["object"] == "chat.completion.chunk" and payloads[0]["choices"] == []


def test_chat_stream_without_include_usage_has_no_usage_chunk(fake_openai: FakeServer) -> None:
    body = {
        "model": MODEL,
        "messages": [{"role": "user", "content": "x"}],
        "stream": True,
        "stream_options": {"include_usage": False},
    }
    payloads = sse_payloads(post(fake_openai, "chat/completions", body))
    assert payloads[-1] == "[DONE]"
    chunks = payloads[:-1]
    assert all("usage" not in chunk and len(chunk["choices"]) == 1 for chunk in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


@pytest.mark.parametrize(
    ("fault", "status", "kind", "code"),
    [
        ({"kind": "error", "status": 429}, 429, "rate_limit_exceeded", "rate_limit_exceeded"),
        ({"kind": "error", "status": 401}, 401, "invalid_request_error", "invalid_api_key"),
        ({"kind": "overloaded"}, 503, "server_error", "overloaded"),
        ({"kind": "error", "status": 418}, 418, "invalid_request_error", None),
        ({"kind": "overloaded", "status": 529}, 529, "server_error", None),
    ],
)
def test_error_bodies_label_type_and_code_by_status(
    fake_openai: FakeServer, fault: dict[str, Any], status: int, kind: str, code: str | None
) -> None:
    fake_openai.control.set_default({"faults": [fault]})
    response = post(
        fake_openai, "chat/completions", {"model": MODEL, "messages": [{"role": "user", "content": "x"}]}
    )
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["type"], error["code"]) == (kind, code)
    assert error["message"]


def test_model_list_is_built_in_plus_overridden_models(fake_openai: FakeServer) -> None:
    built_in = [m["id"] for m in httpx.get(f"{fake_openai.openai_base_url}/models", timeout=5).json()["data"]]
    assert built_in and MODEL in built_in
    fake_openai.control.set_model("my-tuned-model", {"latency": {"fixed_ms": 1}})
    listed = httpx.get(f"{fake_openai.openai_base_url}/models/", timeout=5).json()
    assert listed["object"] == "list"
    assert [m["id"] for m in listed["data"]] == [*built_in, "my-tuned-model"]
    assert all(m["object"] == "model" and m["owned_by"] == "zen-fakes" for m in listed["data"])


def test_listed_models_replaces_the_model_list(fake_openai: FakeServer) -> None:
    fake_openai.control.patch_behaviour({"listed_models": ["only-this"]})
    listed = httpx.get(f"{fake_openai.openai_base_url}/models", timeout=5).json()
    assert [m["id"] for m in listed["data"]] == ["only-this"]
    assert fake_openai.control.stats().by_status == {"200": 1}


def test_wrong_method_on_a_provider_path_is_a_404(fake_openai: FakeServer) -> None:
    response = httpx.get(f"{fake_openai.openai_base_url}/chat/completions", timeout=5)
    assert response.status_code == 404
    assert "GET /v1/chat/completions" in response.json()["error"]["message"]
