"""Each fault's script, checked without any network: what is sent, and how it ends."""

from __future__ import annotations

import json

import pytest

from fakes import FakeEngine, ProviderBehaviour
from fakes.script import Drop, FakeRequest, Finish, Gather, Hang, Pause, Script, Send, Start

CHAT = {"model": "gpt-5", "messages": [{"role": "user", "content": "hello"}]}


def script_for(fault: dict[str, object], *, stream: bool = False, provider: str = "openai") -> Script:
    behaviour = ProviderBehaviour.model_validate(
        {"default": {"faults": [fault], "latency": {"fixed_ms": 10}, "stream": {"chunks": 4}}}
    )
    engine = FakeEngine(provider, behaviour)
    if provider == "openai":
        request = FakeRequest(
            "POST", "/v1/chat/completions", {}, json.dumps({**CHAT, "stream": stream}).encode()
        )
    else:
        action = "streamGenerateContent" if stream else "generateContent"
        body = json.dumps({"contents": [{"role": "user", "parts": [{"text": "hello"}]}]}).encode()
        request = FakeRequest("POST", f"/v1beta/models/gemini-2.5-pro:{action}", {"alt": "sse"}, body)
    with engine.exchange(request) as script:
        return script


def sent(script: Script) -> bytes:
    return b"".join(step.data for step in script.steps if isinstance(step, Send))


def test_error_carries_status_retry_after_and_openai_shape() -> None:
    script = script_for({"kind": "error", "status": 429, "retry_after_s": 1.5})
    start = next(s for s in script.steps if isinstance(s, Start))
    assert script.status == 429 and ("retry-after", "1.5") in start.headers
    assert json.loads(sent(script))["error"]["type"] == "rate_limit_exceeded"
    assert isinstance(script.steps[0], Pause)  # errors still take the configured latency


def test_gemini_error_shape() -> None:
    body = json.loads(sent(script_for({"kind": "error", "status": 500}, provider="gemini")))
    assert body == {"error": {"code": 500, "message": body["error"]["message"], "status": "INTERNAL"}}


def test_truncated_declares_more_than_it_sends_then_drops() -> None:
    script = script_for({"kind": "truncated", "fraction": 0.25})
    start = next(s for s in script.steps if isinstance(s, Start))
    assert start.content_length is not None and len(sent(script)) == start.content_length // 4
    assert isinstance(script.steps[-1], Drop)


@pytest.mark.parametrize("provider", ["openai", "gemini"])
def test_drop_mid_stream_sends_part_of_the_stream(provider: str) -> None:
    whole = sent(script_for({"kind": "error", "rate": 0.0}, stream=True, provider=provider))
    partial = script_for({"kind": "drop", "fraction": 0.5}, stream=True, provider=provider)
    assert whole.startswith(sent(partial)) and 0 < len(sent(partial)) < len(whole)
    assert isinstance(partial.steps[-1], Drop)


def test_hang_sends_nothing_and_mid_stream_hang_sends_headers_first() -> None:
    assert script_for({"kind": "hang"}).steps == (Hang(),)
    stalled = script_for({"kind": "hang", "at": "mid_stream"}, stream=True)
    assert stalled.status == 200 and isinstance(stalled.steps[-1], Hang)


def test_malformed_wrong_type_and_empty() -> None:
    with pytest.raises(ValueError):
        json.loads(sent(script_for({"kind": "malformed_json"})))
    wrong = script_for({"kind": "wrong_content_type", "content_type": "text/plain"})
    assert ("content-type", "text/plain") in next(s for s in wrong.steps if isinstance(s, Start)).headers
    assert json.loads(sent(script_for({"kind": "empty_choices"})))["choices"] == []
    assert isinstance(script_for({"kind": "empty_choices"}, stream=True).steps[-1], Finish)


def test_zero_rate_fault_never_fires() -> None:
    assert script_for({"kind": "drop", "rate": 0.0}).fault == "none"


@pytest.mark.parametrize("stream", [False, True])
def test_rendezvous_gathers_first_then_answers_normally(stream: bool) -> None:
    normal = script_for({"kind": "error", "rate": 0.0}, stream=stream)
    script = script_for({"kind": "rendezvous", "count": 5}, stream=stream)
    assert script.steps[0] == Gather(5)
    assert script.steps[1:] == normal.steps and script.status == 200
    assert script.fault == "rendezvous"
