"""BodyReadGuard: a body must arrive whole within its deadline and under its cap; the app sees it at once."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from zen_server.mcp.http_timeouts import BodyReadGuard


class RecordingApp:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        self.bodies.append(message["body"])
        assert message["more_body"] is False
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def call(guard: BodyReadGuard, chunks: list[bytes], *, stall: bool = False) -> Any:
    queue = list(chunks)
    sent: list[Message] = []

    async def receive() -> Message:
        if queue:
            chunk = queue.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(queue) or stall}
        await asyncio.Event().wait()  # a client that stopped sending
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        sent.append(message)

    await guard({"type": "http", "method": "POST", "path": "/mcp", "headers": []}, receive, send)
    return sent


async def test_a_body_in_pieces_reaches_the_app_whole() -> None:
    app = RecordingApp()
    sent = await call(BodyReadGuard(app, timeout_s=5, max_bytes=100), [b'{"a":', b" 1}"])
    assert app.bodies == [b'{"a": 1}'] and sent[0]["status"] == 200


async def test_a_body_that_stops_arriving_gets_408_and_the_app_never_runs() -> None:
    app = RecordingApp()
    sent = await call(BodyReadGuard(app, timeout_s=0.05, max_bytes=100), [b'{"a":'], stall=True)
    assert sent[0]["status"] == 408 and (b"connection", b"close") in sent[0]["headers"]
    assert app.bodies == []


async def test_a_body_over_the_cap_gets_413_without_being_kept() -> None:
    app = RecordingApp()
    sent = await call(BodyReadGuard(app, timeout_s=5, max_bytes=10), [b"x" * 8, b"x" * 8], stall=True)
    assert sent[0]["status"] == 413 and app.bodies == []


async def test_requests_without_a_body_pass_straight_through() -> None:
    app = RecordingApp()

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        return None

    guard = BodyReadGuard(app, timeout_s=0.01, max_bytes=1)
    await guard({"type": "http", "method": "GET", "headers": []}, receive, send)
    assert app.bodies == [b""]
