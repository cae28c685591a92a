"""The same fakes in-process: mount a `FakeEngine` on a respx router for unit tests.

The engine's scripts are played inside httpx instead of on a socket, so every behaviour
means the same thing: pauses are `asyncio.sleep`s, a drop raises `httpx.RemoteProtocolError`,
a hang waits for the request's read timeout and raises `httpx.ReadTimeout` (real hangs
surface the same way). Async httpx clients only; the in-flight count lasts until the
response body is read or closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import ExitStack
from typing import Any

import httpx

from fakes.engine import FakeEngine
from fakes.script import Drop, FakeRequest, Finish, Gather, Hang, Pause, Send, Start, Step

MAX_HANG_S = 600.0  # a hang with no client timeout still ends, so a forgotten test cannot run forever


def _read_timeout(request: httpx.Request) -> float:
    timeout = request.extensions.get("timeout", {})
    read = timeout.get("read") if isinstance(timeout, dict) else None
    return min(float(read), MAX_HANG_S) if read is not None else MAX_HANG_S


async def _hang(request: httpx.Request) -> None:
    await asyncio.sleep(_read_timeout(request))
    raise httpx.ReadTimeout("zen-fakes hang: no data before the read timeout", request=request)


class _ScriptStream(httpx.AsyncByteStream):
    """The body steps after Start, played lazily as the client reads."""

    def __init__(self, steps: list[Step], request: httpx.Request, on_close: Callable[[], None]) -> None:
        self._steps = steps
        self._request = request
        self._on_close = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            for step in self._steps:
                if isinstance(step, Pause):
                    await asyncio.sleep(step.seconds)
                elif isinstance(step, Send):
                    yield step.data
                elif isinstance(step, Finish):
                    return
                elif isinstance(step, Drop):
                    raise httpx.RemoteProtocolError(
                        "peer closed connection without sending complete message body", request=self._request
                    )
                elif isinstance(step, Hang):
                    await _hang(self._request)
        finally:
            self._on_close()

    async def aclose(self) -> None:
        self._on_close()


async def play_in_httpx(engine: FakeEngine, request: httpx.Request) -> httpx.Response:
    """Answer one httpx request with the engine, exactly as the wire server would."""
    body = await request.aread()
    sent = tuple((k.lower(), v) for k, v in request.headers.items())
    fake = FakeRequest(request.method, request.url.path, dict(request.url.params), body, sent)
    stack = ExitStack()
    script = stack.enter_context(engine.exchange(fake))
    closed = False

    def close() -> None:
        nonlocal closed
        if not closed:
            closed = True
            stack.close()

    try:
        steps = list(script.steps)
        while steps:
            step = steps.pop(0)
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
            elif isinstance(step, Drop):
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                )
            elif isinstance(step, Hang):
                await _hang(request)
            elif isinstance(step, Gather):
                await engine.rendezvous.meet(step.count)
            elif isinstance(step, Start):
                headers = list(step.headers)
                if step.content_length is not None:
                    headers.append(("content-length", str(step.content_length)))
                stream = _ScriptStream(steps, request, close)
                return httpx.Response(step.status, headers=headers, stream=stream, request=request)
        raise RuntimeError("script ended without a response")  # pragma: no cover - scripts always start
    except BaseException:
        close()
        raise


def engine_side_effect(engine: FakeEngine) -> Callable[[httpx.Request], Awaitable[httpx.Response]]:
    """A respx side effect answering with `engine`."""

    async def side_effect(request: httpx.Request) -> httpx.Response:
        return await play_in_httpx(engine, request)

    return side_effect


def mount_fake(router: Any, engine: FakeEngine, base_url: str) -> Any:
    """Route every request under `base_url` (scheme://host[:port]) on `router` to `engine`.

    The request's full path goes to the engine, so mount on the host, not on /v1.
    Returns the respx route (its `.calls` records what was sent).
    """
    route = router.route(url__startswith=base_url.rstrip("/"))
    route.side_effect = engine_side_effect(engine)
    return route
