"""Each behaviour played in-process on respx: pauses, drops and hangs before and during a body."""

from __future__ import annotations

import json

import httpx
import pytest

from fakes.pytest_plugin import RespxFactory
from fakes.spec import ProviderBehaviour

BASE = "https://api.openai.test"
BODY = {"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]}
STREAM = {**BODY, "stream": True}


async def test_stream_with_ttft_and_chunk_gaps_arrives_whole(fake_respx: RespxFactory) -> None:
    behaviour = ProviderBehaviour.model_validate(
        {"default": {"stream": {"ttft_ms": 5, "chunk_delay_ms": 5, "chunks": 4}}}
    )
    fake = fake_respx("openai", base_url=BASE, behaviour=behaviour)
    async with httpx.AsyncClient(base_url=BASE) as client:
        response = await client.post("/v1/chat/completions", json=STREAM)
    datas = [line[6:] for line in response.text.splitlines() if line.startswith("data: ")]
    assert datas[-1] == "[DONE]"
    deltas = [json.loads(d)["choices"][0]["delta"].get("content", "") for d in datas[:-1]]
    assert len([d for d in deltas if d]) == 4
    assert fake.engine.stats.snapshot()["by_status"] == {"200": 1}


async def test_drop_before_any_response_raises_and_frees_the_slot(fake_respx: RespxFactory) -> None:
    fake = fake_respx("openai", base_url=BASE, behaviour={"default": {"faults": [{"kind": "drop"}]}})
    async with httpx.AsyncClient(base_url=BASE) as client:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await client.post("/v1/chat/completions", json=BODY)
    snapshot = fake.engine.stats.snapshot()
    assert (snapshot["by_status"], snapshot["in_flight"]) == ({"no_response": 1}, 0)


async def test_mid_stream_hang_times_out_after_the_first_events(fake_respx: RespxFactory) -> None:
    fault = {"kind": "hang", "at": "mid_stream"}
    fake = fake_respx("openai", base_url=BASE, behaviour={"default": {"faults": [fault]}})
    received: list[bytes] = []
    async with (
        httpx.AsyncClient(base_url=BASE, timeout=0.2) as client,
        client.stream("POST", "/v1/chat/completions", json=STREAM) as response,
    ):
        assert response.status_code == 200
        with pytest.raises(httpx.ReadTimeout):
            async for chunk in response.aiter_bytes():
                received.append(chunk)
    assert b"chat.completion.chunk" in b"".join(received) and b"[DONE]" not in b"".join(received)
    assert fake.engine.stats.in_flight == 0


async def test_closing_a_stream_early_frees_the_slot(fake_respx: RespxFactory) -> None:
    fake = fake_respx("openai", base_url=BASE)
    async with (
        httpx.AsyncClient(base_url=BASE) as client,
        client.stream("POST", "/v1/chat/completions", json=STREAM) as response,
    ):
        assert fake.engine.stats.in_flight == 1
        await response.aclose()
    assert fake.engine.stats.in_flight == 0


async def test_a_rendezvous_in_process_answers_once_all_have_met(fake_respx: RespxFactory) -> None:
    import asyncio

    behaviour = ProviderBehaviour.model_validate(
        {"default": {"faults": [{"kind": "rendezvous", "count": 4}]}}
    )
    fake = fake_respx("openai", base_url=BASE, behaviour=behaviour)
    async with httpx.AsyncClient(base_url=BASE) as client:
        replies = await asyncio.gather(*(client.post("/v1/chat/completions", json=BODY) for _ in range(4)))
    assert [r.status_code for r in replies] == [200] * 4
    assert fake.engine.stats.snapshot()["max_in_flight"] == 4
