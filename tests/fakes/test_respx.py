"""The same behaviours in-process on respx, through the `fake_respx` pytest fixture."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from fakes import expected_marker
from fakes.pytest_plugin import RespxFactory

BASE = "https://api.openai.test"
BODY = {"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]}


async def test_success_and_429_with_retry_after(fake_respx: RespxFactory) -> None:
    fake = fake_respx(
        "openai",
        base_url=BASE,
        behaviour={"models": {"o3": {"faults": [{"kind": "error", "status": 429, "retry_after_s": 2}]}}},
    )
    async with httpx.AsyncClient(base_url=BASE) as client:
        ok = await client.post("/v1/chat/completions", json=BODY)
        limited = await client.post("/v1/chat/completions", json={**BODY, "model": "o3"})
    assert ok.json()["choices"][0]["message"]["content"].startswith(
        expected_marker("gpt-5", [("user", "hi")])
    )
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "2")
    assert fake.route.call_count == 2 and fake.engine.stats.snapshot()["by_status"] == {"200": 1, "429": 1}


async def test_drop_mid_stream_raises_remote_protocol_error(fake_respx: RespxFactory) -> None:
    fake_respx("openai", base_url=BASE, behaviour={"default": {"faults": [{"kind": "drop"}]}})
    received = []
    async with (
        httpx.AsyncClient(base_url=BASE) as client,
        client.stream("POST", "/v1/chat/completions", json={**BODY, "stream": True}) as response,
    ):
        with pytest.raises(httpx.RemoteProtocolError):
            async for chunk in response.aiter_bytes():
                received.append(chunk)
    assert received and b"chat.completion.chunk" in received[0]


async def test_hang_raises_read_timeout_after_the_clients_timeout(fake_respx: RespxFactory) -> None:
    fake = fake_respx("gemini", behaviour={"default": {"faults": [{"kind": "hang"}]}})
    async with httpx.AsyncClient(base_url=fake.base_url, timeout=0.2) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(
                "/v1beta/models/gemini-2.5-pro:generateContent",
                json={"contents": [{"parts": [{"text": "x"}]}]},
            )
    assert fake.engine.stats.in_flight == 0


async def test_in_flight_counts_concurrent_mocked_calls(fake_respx: RespxFactory) -> None:
    fake = fake_respx("openai", base_url=BASE, behaviour={"default": {"latency": {"fixed_ms": 200}}})
    async with httpx.AsyncClient(base_url=BASE) as client:
        replies = await asyncio.gather(*(client.post("/v1/chat/completions", json=BODY) for _ in range(10)))
    assert all(r.status_code == 200 for r in replies)
    assert fake.engine.stats.max_in_flight == 10 and fake.engine.stats.in_flight == 0
