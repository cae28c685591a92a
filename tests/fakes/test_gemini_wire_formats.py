"""The Gemini fake over raw HTTP: JSON-array streaming, request validation, error and model-list shapes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from fakes import expected_marker
from fakes.testing import FakeServer

MODEL = "gemini-2.5-flash"
CONTENTS = [{"role": "user", "parts": [{"text": "hi"}]}]


def url(fake: FakeServer, action: str, version: str = "v1beta") -> str:
    return f"{fake.base_url}/{version}/models/{MODEL}:{action}"


def test_stream_without_alt_sse_is_one_json_array(fake_gemini: FakeServer) -> None:
    fake_gemini.control.set_default({"stream": {"chunks": 3}})
    response = httpx.post(url(fake_gemini, "streamGenerateContent"), json={"contents": CONTENTS}, timeout=5)
    assert response.status_code == 200
    chunks = json.loads(response.text)
    assert isinstance(chunks, list) and len(chunks) == 3
    assert all("finishReason" not in c["candidates"][0] and "usageMetadata" not in c for c in chunks[:-1])
    assert chunks[-1]["candidates"][0]["finishReason"] == "STOP"
    assert chunks[-1]["usageMetadata"]["totalTokenCount"] > 0
    text = "".join(c["candidates"][0]["content"]["parts"][0]["text"] for c in chunks)
    assert text.startswith(expected_marker(MODEL, [("user", "hi")]))


def test_stream_with_alt_sse_frames_events_with_crlf(fake_gemini: FakeServer) -> None:
    response = httpx.post(
        url(fake_gemini, "streamGenerateContent"),
        params={"alt": "sse"},
        json={"contents": CONTENTS},
        timeout=5,
    )
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [e for e in response.text.split("\r\n\r\n") if e]
    assert events and all(e.startswith("data: ") for e in events)
    assert json.loads(events[-1].removeprefix("data: "))["candidates"][0]["finishReason"] == "STOP"


def test_empty_reply_streamed_as_array_has_no_candidates(fake_gemini: FakeServer) -> None:
    fake_gemini.control.set_default({"faults": [{"kind": "empty_choices"}]})
    plain = httpx.post(url(fake_gemini, "generateContent"), json={"contents": CONTENTS}, timeout=5).json()
    streamed = httpx.post(url(fake_gemini, "streamGenerateContent"), json={"contents": CONTENTS}, timeout=5)
    assert plain["candidates"] == [] and plain["promptFeedback"] == {"blockReason": "OTHER"}
    [only] = json.loads(streamed.text)
    assert only["candidates"] == [] and only["modelVersion"] == MODEL


def test_snake_case_system_instruction_and_model_role(fake_gemini: FakeServer) -> None:
    body = {
        "system_instruction": {"parts": [{"text": "Be brief."}, {"text": "Really."}]},
        "contents": [
            {"parts": [{"text": "q"}]},
            {"role": "model", "parts": [{"text": "a"}, {"inlineData": {}}]},
            {"role": "user"},
        ],
    }
    response = httpx.post(url(fake_gemini, "generateContent", "v1"), json=body, timeout=5)
    text = response.json()["candidates"][0]["content"]["parts"][0]["text"]
    conversation = [("system", "Be brief.\nReally."), ("user", "q"), ("assistant", "a"), ("user", "")]
    assert text.startswith(expected_marker(MODEL, conversation))


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ([CONTENTS], "JSON object"),
        ({"contents": []}, "'contents' must be a non-empty list"),
        ({"contents": "hi"}, "'contents' must be a non-empty list"),
        ({"contents": ["hi"]}, "string 'role'"),
        ({"contents": [{"role": 1, "parts": []}]}, "string 'role'"),
        ({"contents": [{"parts": {"text": "x"}}]}, "'parts' must be a list"),
        ({"systemInstruction": "be brief", "contents": CONTENTS}, "object with 'parts'"),
    ],
)
def test_malformed_requests_get_400_in_google_error_shape(
    fake_gemini: FakeServer, body: Any, named: str
) -> None:
    response = httpx.post(url(fake_gemini, "generateContent"), json=body, timeout=5)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert named in error["message"] and "details" not in error


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/v1beta/models/{MODEL}:generateContent"),
        ("POST", f"/v1beta/models/{MODEL}:countTokens"),
        ("POST", "/v2/models"),
    ],
)
def test_unknown_routes_are_404_not_found(fake_gemini: FakeServer, method: str, path: str) -> None:
    response = httpx.request(method, f"{fake_gemini.base_url}{path}", json={"contents": CONTENTS}, timeout=5)
    assert response.status_code == 404
    assert response.json()["error"]["status"] == "NOT_FOUND"


def test_unmapped_error_status_is_named_unknown(fake_gemini: FakeServer) -> None:
    fake_gemini.control.set_default({"faults": [{"kind": "error", "status": 418}]})
    response = httpx.post(url(fake_gemini, "generateContent"), json={"contents": CONTENTS}, timeout=5)
    assert response.status_code == 418
    assert response.json()["error"]["status"] == "UNKNOWN"


def test_model_list_uses_google_names_under_every_version(fake_gemini: FakeServer) -> None:
    fake_gemini.control.patch_behaviour({"listed_models": ["gemini-x", "gemini-y"]})
    for version in ("v1beta", "v1", "v1alpha"):
        listed = httpx.get(f"{fake_gemini.base_url}/{version}/models/", timeout=5).json()["models"]
        assert [m["name"] for m in listed] == ["models/gemini-x", "models/gemini-y"]
        assert listed[0]["displayName"] == "gemini-x"
        assert "generateContent" in listed[0]["supportedGenerationMethods"]
