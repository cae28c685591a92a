"""In-flight accounting under real concurrency, hangs released by clients and by shutdown."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from fakes.testing import FakeServer

BODY = {"model": "gpt-5", "messages": [{"role": "user", "content": "hi"}]}


async def test_fifty_concurrent_calls_are_all_in_flight_at_once(fake_openai: FakeServer) -> None:
    # Each answer waits until all 50 are at the fake: answered means they overlapped.
    fake_openai.control.set_default({"faults": [{"kind": "rendezvous", "count": 50}]})
    limits = httpx.Limits(max_connections=60)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        url = f"{fake_openai.openai_base_url}/chat/completions"
        replies = await asyncio.gather(*(client.post(url, json=BODY) for _ in range(50)))
    stats = fake_openai.control.stats()
    assert [r.status_code for r in replies] == [200] * 50
    assert "FAKE-REPLY" in replies[0].json()["choices"][0]["message"]["content"]  # a normal answer
    assert stats.max_in_flight == 50
    assert stats.in_flight == 0
    assert stats.by_fault == {"rendezvous": 50}


async def test_a_rendezvous_short_of_its_count_holds_until_the_client_leaves(fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "rendezvous", "count": 3}]})
    async with httpx.AsyncClient(timeout=0.5) as client:
        url = f"{fake_openai.openai_base_url}/chat/completions"
        outcomes = await asyncio.gather(
            *(client.post(url, json=BODY) for _ in range(2)), return_exceptions=True
        )
    assert all(isinstance(o, httpx.ReadTimeout) for o in outcomes), outcomes
    for _ in range(100):  # the fake notices the closed connections and forgets the waiters
        if not fake_openai.engine.rendezvous.waiting:
            break
        await asyncio.sleep(0.05)
    assert fake_openai.engine.rendezvous.waiting == 0
    async with httpx.AsyncClient(timeout=20) as client:  # and a fresh meeting of three works
        replies = await asyncio.gather(*(client.post(url, json=BODY) for _ in range(3)))
    assert [r.status_code for r in replies] == [200] * 3


async def test_client_disconnect_ends_a_hang_and_frees_the_slot(fake_openai: FakeServer) -> None:
    fake_openai.control.set_default({"faults": [{"kind": "hang"}]})
    async with httpx.AsyncClient(timeout=0.5) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.post(f"{fake_openai.openai_base_url}/chat/completions", json=BODY)
    for _ in range(100):  # up to 5 s for the fake to notice the closed connection
        if not fake_openai.engine.stats.in_flight:
            break
        await asyncio.sleep(0.05)
    assert fake_openai.engine.stats.in_flight == 0


def test_shutdown_does_not_wait_for_hung_requests() -> None:
    fake = FakeServer("openai", behaviour={"default": {"faults": [{"kind": "hang"}]}}).start()
    errors: list[BaseException] = []

    def call() -> None:
        try:
            httpx.post(f"{fake.openai_base_url}/chat/completions", json=BODY, timeout=30)
        except httpx.HTTPError as exc:
            errors.append(exc)

    callers = [threading.Thread(target=call) for _ in range(3)]
    for caller in callers:
        caller.start()
    fake.control.wait_for_in_flight(3)
    fake.stop()
    for caller in callers:
        caller.join(60)
    # Dropped by the shutdown (a protocol error), not left to their 30 s read timeout.
    assert len(errors) == 3 and all(isinstance(e, httpx.RemoteProtocolError) for e in errors), errors
